from django.db import models


class SchoolKind(models.TextChoices):
    KINDERGARTEN = "kindergarten", "幼儿园"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    NINE_YEAR = "nine_year", "九年一贯制学校"
    COMPLETE_SECONDARY = "complete_secondary", "完全中学"
    SENIOR = "senior", "高级中学"
    VOCATIONAL = "vocational", "中等职业学校"
    SPECIAL = "special", "特殊教育学校"
    TEACHING_POINT = "teaching_point", "教学点"


class Ownership(models.TextChoices):
    PUBLIC = "public", "公办"
    INCLUSIVE_PRIVATE = "inclusive_private", "普惠性民办"
    OTHER_PRIVATE = "other_private", "其他民办"


class Level(models.TextChoices):
    """Education level (学段)."""

    PRESCHOOL = "preschool", "学前"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "普通高中"
    VOCATIONAL = "vocational", "中职"
    SPECIAL = "special", "特殊教育"


class Grade(models.IntegerChoices):
    """Grades as integers: kindergarten −2..0, primary 1–6, junior 7–9, senior/vocational 10–12."""

    K1 = -2, "小班"
    K2 = -1, "中班"
    K3 = 0, "大班"
    G1 = 1, "一年级"
    G2 = 2, "二年级"
    G3 = 3, "三年级"
    G4 = 4, "四年级"
    G5 = 5, "五年级"
    G6 = 6, "六年级"
    G7 = 7, "七年级（初一）"
    G8 = 8, "八年级（初二）"
    G9 = 9, "九年级（初三）"
    G10 = 10, "高一"
    G11 = 11, "高二"
    G12 = 12, "高三"


# Grades each kind of school teaches.
KIND_GRADES: dict[str, tuple[int, ...]] = {
    SchoolKind.KINDERGARTEN: (-2, -1, 0),
    SchoolKind.PRIMARY: (1, 2, 3, 4, 5, 6),
    SchoolKind.TEACHING_POINT: (-2, -1, 0, 1, 2, 3, 4),
    SchoolKind.JUNIOR: (7, 8, 9),
    SchoolKind.NINE_YEAR: (1, 2, 3, 4, 5, 6, 7, 8, 9),
    SchoolKind.COMPLETE_SECONDARY: (7, 8, 9, 10, 11, 12),
    SchoolKind.SENIOR: (10, 11, 12),
    SchoolKind.VOCATIONAL: (10, 11, 12),
    SchoolKind.SPECIAL: (1, 2, 3, 4, 5, 6, 7, 8, 9),
}


def level_of(kind: str, grade: int) -> str:
    if kind == SchoolKind.SPECIAL:
        return Level.SPECIAL
    if grade <= 0:
        return Level.PRESCHOOL
    if grade <= 6:
        return Level.PRIMARY
    if grade <= 9:
        return Level.JUNIOR
    return Level.VOCATIONAL if kind == SchoolKind.VOCATIONAL else Level.SENIOR

"""Indicator definitions as code: each indicator is a ratio of measures (see docs/indicators.md).

A *measure* is a set of members (students, population cells, classes or teachers' shares) counted per
school and per hukou village by ``jiaoyun.indicators.compute``. An indicator divides the sum of its
numerator measures by the sum of its denominator measures, aggregated to county, township, village or
school according to its *attribution*:

- ``population``: rates whose denominator is a population base. Township and village figures count
  students by hukou village (the population base is by hukou village); the county counts every
  student in a county school.
- ``school``: figures about schools. Township figures count students by the township of the school
  they are in on the date; school figures by that school.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jiaoyun.indicators import conf
from jiaoyun.indicators.models import IndicatorValue

Level = IndicatorValue.AreaLevel

POPULATION = "population"
SCHOOL = "school"

LEVELS_POPULATION = (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)
LEVELS_SCHOOL = (Level.COUNTY, Level.TOWNSHIP, Level.SCHOOL)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    attribution: str
    numerator_text: str
    denominator_text: str
    unit: str = "%"  # "%" for rates (value = 100 × num ÷ den), ":1" for ratios (value = num ÷ den)
    higher_is_better: bool = True
    gap_phrase: str = ""  # "还需 N 名{gap_phrase}方可达到 X%"
    settings: tuple[str, ...] = field(default_factory=tuple)
    member: str = "students"  # what the drill-down lists
    school_level: bool = True  # False: not meaningful per school (e.g. a cohort that changes school)
    township_by_hukou: bool = False  # township figures count students by hukou township, not school township
    # A count shown beside the figure (stored as IndicatorValue.extra), e.g. "仍失学 N 人": its measures and text.
    extra: tuple[str, ...] = ()
    extra_text: str = ""
    flow: bool = False  # counts events during the year (the whole year once it has ended; "截至" while it runs)

    @property
    def gap_measure(self) -> str:
        """The children who would close the gap (drill-down): those of the band out of school."""
        if self.attribution != POPULATION:
            return ""
        return {"pop_pre": "gap_pre", "pop_pri": "gap_pri", "pop_jun": "gap_jun", "pop_sen": "gap_sen"}.get(
            self.denominator[0], ""
        )

    @property
    def township_key_hukou(self) -> bool:
        return self.attribution == POPULATION or self.township_by_hukou

    @property
    def levels(self) -> tuple[str, ...]:
        if self.attribution == POPULATION:
            return LEVELS_POPULATION
        return LEVELS_SCHOOL if self.school_level else LEVELS_SCHOOL[:2]

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"

    def numerator_measures(self) -> tuple[str, ...]:
        if self.code == "senior_gross" and not conf.get("INDICATOR_SENIOR_COUNT_OUT_OF_COUNTY"):
            return self.numerator[:1]
        return self.numerator

    def extra_label(self) -> str:
        if self.code == "senior_gross":
            counted = conf.get("INDICATOR_SENIOR_COUNT_OUT_OF_COUNTY")
            return "含外县就读 {n} 人" if counted else "未含外县就读 {n} 人"
        return self.extra_text

    def denominator_measures(self) -> tuple[str, ...]:
        if self.code in ("retention_9y", "retention_junior") and not conf.get("INDICATOR_RETENTION_ADJUSTED"):
            return self.denominator[:1]
        return self.denominator


def _ages(key: str) -> str:
    lo, hi = conf.get(key)
    return f"{lo}–{hi}周岁"


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "preschool_gross", "学前三年毛入园率", ("kg_all",), ("pop_pre",), POPULATION,
        "在园幼儿数（小、中、大班，不限年龄）", "3–5周岁人口（户籍或常住，按设置）",
        gap_phrase="幼儿入园", settings=("INDICATOR_PRESCHOOL_AGES", "INDICATOR_POPULATION_SOURCE"),
    ),
    Indicator(
        "preschool_net", "学前三年净入园率", ("kg_age",), ("pop_pre",), POPULATION,
        "在园（或已入读更高学段）的3–5周岁幼儿数", "3–5周岁人口",
        gap_phrase="3–5周岁幼儿入园", settings=("INDICATOR_PRESCHOOL_AGES", "INDICATOR_AGE_REFERENCE_MONTH_DAY"),
    ),
    Indicator(
        "primary_gross", "小学毛入学率", ("pri_all",), ("pop_pri",), POPULATION,
        "小学（1–6年级）在校生数，不限年龄", "6–11周岁人口",
        gap_phrase="小学适龄儿童在校", settings=("INDICATOR_PRIMARY_AGES",),
    ),
    Indicator(
        "primary_net", "小学净入学率", ("pri_age",), ("pop_pri",), POPULATION,
        "在校的6–11周岁儿童数（含已入读初中及以上者）", "6–11周岁人口",
        gap_phrase="6–11周岁儿童在校", settings=("INDICATOR_PRIMARY_AGES", "INDICATOR_AGE_REFERENCE_MONTH_DAY"),
    ),
    Indicator(
        "junior_gross", "初中毛入学率", ("jun_all",), ("pop_jun",), POPULATION,
        "初中（7–9年级）在校生数，不限年龄", "12–14周岁人口",
        gap_phrase="初中适龄少年在校", settings=("INDICATOR_JUNIOR_AGES",),
    ),
    Indicator(
        "junior_net", "初中净入学率", ("jun_age",), ("pop_jun",), POPULATION,
        "在校的12–14周岁少年数（初中及以上）", "12–14周岁人口",
        gap_phrase="12–14周岁少年在校", settings=("INDICATOR_JUNIOR_AGES", "INDICATOR_AGE_REFERENCE_MONTH_DAY"),
    ),
    Indicator(
        "retention_9y", "九年义务教育巩固率", ("grad9",), ("entr1", "arr9", "-left9"), SCHOOL,
        "上一学年（本年夏季）县内学校初中毕业生数",
        "该届学生入小学一年级时（9年前统计日）一年级在校生数（不含留级生）；调整口径再加县外转入、减转出县外和死亡",
        gap_phrase="学生完成九年义务教育", settings=("INDICATOR_RETENTION_ADJUSTED",), school_level=False,
        township_by_hukou=True,
    ),
    Indicator(
        "retention_junior", "初中三年巩固率", ("grad9",), ("entr7", "arr3", "-left3"), SCHOOL,
        "上一学年（本年夏季）县内学校初中毕业生数",
        "该届学生入初一时（3年前统计日）七年级在校生数（不含留级生）；调整口径再加县外转入、减转出县外和死亡",
        gap_phrase="初中学生完成学业", settings=("INDICATOR_RETENTION_ADJUSTED",), township_by_hukou=True,
    ),
    Indicator(
        "dropout_primary", "小学年辍学率", ("drop_pri",), ("base_pri",), SCHOOL,
        "学年内（已结束的学年为全学年，本学年至今）辍学的小学生数（劝返复学者是否计入按设置）",
        "学年初（统计日）小学在校生数，加学年内统计日前已辍学、统计日仍失学者",
        higher_is_better=False, settings=("INDICATOR_DROPOUT_COUNT_RETURNED",), extra=("out_pri",),
        extra_text="仍失学 {n} 人", flow=True,
    ),
    Indicator(
        "dropout_junior", "初中年辍学率", ("drop_jun",), ("base_jun",), SCHOOL,
        "学年内（已结束的学年为全学年，本学年至今）辍学的初中生数（劝返复学者是否计入按设置）",
        "学年初（统计日）初中在校生数，加学年内统计日前已辍学、统计日仍失学者",
        higher_is_better=False, settings=("INDICATOR_DROPOUT_COUNT_RETURNED",), extra=("out_jun",),
        extra_text="仍失学 {n} 人", flow=True,
    ),
    Indicator(
        "senior_gross", "高中阶段毛入学率", ("sen_all", "sen_out"), ("pop_sen",), POPULATION,
        "高中阶段（普通高中+中职，10–12年级）在校生数，不限年龄；按设置另加在县外就读高中阶段的本县户籍学生",
        "15–17周岁人口（年龄段可设置）",
        gap_phrase="15–17周岁儿童在校",
        settings=("INDICATOR_SENIOR_AGES", "INDICATOR_POPULATION_SOURCE", "INDICATOR_SENIOR_COUNT_OUT_OF_COUNTY"),
        extra=("sen_out",), extra_text="外县就读 {n} 人",
    ),
    Indicator(
        "progression_primary", "小学升学率", ("prog6",), ("grad6",), SCHOOL,
        "上一学年小学毕业生中，统计日在县内初中（七年级及以上）在校者", "上一学年（本年夏季）县内小学毕业生数",
        gap_phrase="小学毕业生升入初中",
    ),
    Indicator(
        "inclusive_kg_coverage", "普惠性幼儿园覆盖率", ("kg_inclusive",), ("kg_all",), SCHOOL,
        "公办园和普惠性民办园在园幼儿数", "全部在园幼儿数", gap_phrase="幼儿进入普惠性幼儿园",
    ),
    Indicator(
        "public_kg_share", "公办园在园幼儿占比", ("kg_public",), ("kg_all",), SCHOOL,
        "公办园在园幼儿数", "全部在园幼儿数", gap_phrase="幼儿进入公办园",
    ),
    Indicator(
        "large_class", "大班额比例", ("class_big",), ("class_all",), SCHOOL,
        "小学、初中56–65人的班级数", "小学、初中有在校生的班级数",
        higher_is_better=False, settings=("INDICATOR_LARGE_CLASS",), member="classes",
    ),
    Indicator(
        "super_large_class", "超大班额比例", ("class_super",), ("class_all",), SCHOOL,
        "小学、初中66人及以上的班级数", "小学、初中有在校生的班级数",
        higher_is_better=False, settings=("INDICATOR_SUPER_LARGE_CLASS_MIN",), member="classes",
    ),
    Indicator(
        "ptr_preschool", "幼儿园生师比", ("stu_pre",), ("tea_pre",), SCHOOL,
        "在园幼儿数（特殊教育学校除外）", "专任教师数（跨学段学校按各学段在校生比例分摊）",
        unit=":1", higher_is_better=False,
    ),
    Indicator(
        "ptr_primary", "小学生师比", ("stu_pri",), ("tea_pri",), SCHOOL,
        "小学在校生数（特殊教育学校除外）", "专任教师数（跨学段学校按各学段在校生比例分摊）",
        unit=":1", higher_is_better=False,
    ),
    Indicator(
        "ptr_junior", "初中生师比", ("stu_jun",), ("tea_jun",), SCHOOL,
        "初中在校生数（特殊教育学校除外）", "专任教师数（跨学段学校按各学段在校生比例分摊）",
        unit=":1", higher_is_better=False,
    ),
    Indicator(
        "ptr_senior", "普通高中生师比", ("stu_sen",), ("tea_sen",), SCHOOL,
        "普通高中在校生数", "专任教师数（完全中学按各学段在校生比例分摊）", unit=":1", higher_is_better=False,
    ),
    Indicator(
        "ptr_vocational", "中职生师比", ("stu_voc",), ("tea_voc",), SCHOOL,
        "中职在校生数", "中职学校专任教师数", unit=":1", higher_is_better=False,
    ),
)  # fmt: skip

BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}
HEADLINE_CODES = ("preschool_gross", "retention_9y", "senior_gross")


def indicator(code: str) -> Indicator:
    from jiaoyun.core.errors import DomainError

    try:
        return BY_CODE[code]
    except KeyError:
        raise DomainError(f"未知指标“{code}”", field="指标") from None


def band_text(code: str) -> str:
    keys = {
        "pop_pre": "INDICATOR_PRESCHOOL_AGES",
        "pop_pri": "INDICATOR_PRIMARY_AGES",
        "pop_jun": "INDICATOR_JUNIOR_AGES",
        "pop_sen": "INDICATOR_SENIOR_AGES",
    }
    ind = BY_CODE[code]
    key = keys.get(ind.denominator[0])
    return _ages(key) if key else ""

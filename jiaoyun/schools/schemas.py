from decimal import Decimal

from ninja import Schema

from jiaoyun.schools.models import School


class SchoolOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    ownership: str
    township_id: int
    township_name: str
    village_id: int | None
    urban_rural: str
    latitude: Decimal | None
    longitude: Decimal | None
    boarding: bool
    is_central: bool
    parent_id: int | None
    is_active: bool

    @staticmethod
    def resolve_kind_label(obj: School) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_township_name(obj: School) -> str:
        return obj.township.name


class GradeCountOut(Schema):
    grade: int | None
    male: int
    female: int
    total: int


class ClassOut(Schema):
    id: int
    school_year: int
    grade: int
    number: int
    name: str
    n_students: int


class SchoolDetailOut(SchoolOut):
    teachers: int
    grades: list[GradeCountOut]
    branch_ids: list[int]

    @staticmethod
    def resolve_teachers(obj: School) -> int:
        return obj.teachers_count  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_grades(obj: School) -> list[GradeCountOut]:
        return obj.grade_counts  # type: ignore[attr-defined,no-any-return]


class SchoolFilter(Schema):
    q: str | None = None
    kind: str | None = None
    ownership: str | None = None
    township: int | None = None
    active: str | None = None

import datetime as dt

from ninja import Schema

from jiaoyun.people.models import EnrolmentEvent, Student, Teacher


class StudentOut(Schema):
    """A student as the API shows it: the ID number and the 全国学籍号 only masked."""

    id: int
    name: str
    sex: str
    birth_date: dt.date
    id_masked: str
    student_no_masked: str
    ethnicity: str
    status: str
    status_label: str
    current_school_id: int | None
    current_school_code: str | None
    current_grade: int | None
    current_class_id: int | None
    hukou_village_id: int | None
    hukou_village_code: str | None
    residence_village_id: int | None
    left_behind: bool
    migrant: bool
    disability: str
    poverty: str
    orphan: str

    @staticmethod
    def resolve_status_label(obj: Student) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_current_school_code(obj: Student) -> str | None:
        return obj.current_school.code if obj.current_school else None

    @staticmethod
    def resolve_hukou_village_code(obj: Student) -> str | None:
        return obj.hukou_village.code if obj.hukou_village else None


class StudentFilter(Schema):
    q: str | None = None
    school: int | None = None
    township: int | None = None
    village: int | None = None
    status: str | None = None
    grade: int | None = None
    sex: str | None = None
    flag: str | None = None


class StudentIn(Schema):
    """A new student; codes name the villages and school. ``enrol_kind`` (enrol/transfer_in) records the
    first 学籍 event in the same transaction."""

    name: str
    sex: str | None = None
    birth_date: dt.date | None = None
    id_number: str | None = None
    student_no: str | None = None
    ethnicity: str = "01"
    hukou_village_code: str | None = None
    residence_village_code: str | None = None
    guardian_name: str = ""
    guardian_phone: str = ""
    left_behind: bool = False
    migrant: bool = False
    disability: str = ""
    poverty: str = ""
    orphan: str = ""
    enrol_kind: str | None = None
    enrol_date: dt.date | None = None
    school_code: str | None = None
    grade: int | None = None
    class_number: int | None = None


class EventOut(Schema):
    id: int
    kind: str
    kind_label: str
    date: dt.date
    seq: int
    school_id: int | None
    school_code: str | None
    grade: int | None
    school_class_id: int | None
    external_school: str
    study_level: str | None
    reason: str

    @staticmethod
    def resolve_kind_label(obj: EnrolmentEvent) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_school_code(obj: EnrolmentEvent) -> str | None:
        return obj.school.code if obj.school else None


class EventIn(Schema):
    kind: str
    date: dt.date
    school_code: str | None = None
    grade: int | None = None
    class_number: int | None = None
    external_school: str = ""
    study_level: str | None = None  # 外县就读 only: StudyLevel (senior, vocational, …)
    reason: str = ""


class StateOut(Schema):
    on: dt.date
    status: str
    status_label: str
    in_school: bool
    school_id: int | None
    grade: int | None
    class_id: int | None
    since: dt.date | None
    external_school: str


class TeacherOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: dt.date
    id_masked: str
    staff_no: str | None
    school_id: int | None
    school_code: str | None
    post_type: str
    main_subject: str
    subjects: list[str]
    title: str
    degree: str
    staffing: str
    backbone: str
    hire_date: dt.date | None
    school_since: dt.date | None
    is_active: bool

    @staticmethod
    def resolve_school_code(obj: Teacher) -> str | None:
        return obj.school.code if obj.school else None


class AssignmentOut(Schema):
    school_id: int
    school_code: str
    start: dt.date
    end: dt.date | None
    kind: str
    note: str

    @staticmethod
    def resolve_school_code(obj: object) -> str:
        return obj.school.code  # type: ignore[attr-defined]


class TeacherDetailOut(TeacherOut):
    assignments: list[AssignmentOut]

    @staticmethod
    def resolve_assignments(obj: Teacher) -> list[object]:
        return obj.assignment_list  # type: ignore[attr-defined,no-any-return]


class TeacherFilter(Schema):
    q: str | None = None
    school: int | None = None
    township: int | None = None
    subject: str | None = None
    post_type: str | None = None
    title: str | None = None
    backbone: str | None = None
    active: str | None = None

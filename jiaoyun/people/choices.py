from django.db import models


class EventKind(models.TextChoices):
    """学籍 events. Each event carries the state it leaves the student in (school, grade, class)."""

    ENROL = "enrol", "入学"
    TRANSFER_IN = "transfer_in", "转入"
    TRANSFER_OUT = "transfer_out", "转出"
    SUSPEND = "suspend", "休学"
    RESUME = "resume", "复学"
    DROP_OUT = "drop_out", "辍学"
    PROMOTE = "promote", "升级"
    REPEAT = "repeat", "留级"
    GRADUATE = "graduate", "毕业"
    DEATH = "death", "死亡"
    OUT_OF_COUNTY = "out_of_county", "外县就读"


class EventFlow(models.TextChoices):
    """Whether an event moves the student into or out of the county's schools (the 巩固率 adjustment)."""

    NONE = "", "—"
    ARRIVE = "in", "首次入学或县外转入"
    LEAVE = "out", "转出县外或死亡"


class StudentStatus(models.TextChoices):
    NOT_ENROLLED = "not_enrolled", "未入学"
    IN_SCHOOL = "in_school", "在校"
    SUSPENDED = "suspended", "休学"
    DROPPED_OUT = "dropped_out", "辍学"
    TRANSFERRED_OUT = "transferred_out", "转出"
    GRADUATED = "graduated", "毕业"
    DECEASED = "deceased", "死亡"
    OUT_OF_COUNTY = "out_of_county", "外县就读"


EVENT_STATUS: dict[str, str] = {
    EventKind.ENROL: StudentStatus.IN_SCHOOL,
    EventKind.TRANSFER_IN: StudentStatus.IN_SCHOOL,
    EventKind.RESUME: StudentStatus.IN_SCHOOL,
    EventKind.PROMOTE: StudentStatus.IN_SCHOOL,
    EventKind.REPEAT: StudentStatus.IN_SCHOOL,
    EventKind.TRANSFER_OUT: StudentStatus.TRANSFERRED_OUT,
    EventKind.SUSPEND: StudentStatus.SUSPENDED,
    EventKind.DROP_OUT: StudentStatus.DROPPED_OUT,
    EventKind.GRADUATE: StudentStatus.GRADUATED,
    EventKind.DEATH: StudentStatus.DECEASED,
    EventKind.OUT_OF_COUNTY: StudentStatus.OUT_OF_COUNTY,
}
IN_SCHOOL_EVENTS = tuple(k for k, v in EVENT_STATUS.items() if v == StudentStatus.IN_SCHOOL)
# A pupil who suspends (休学) or drops out (辍学) keeps the class they left, so the class teacher, who answers
# for bringing them back (控辍保学), still sees them; any other leaving clears the class.
CLASS_KEPT_STATUSES: tuple[str, ...] = (StudentStatus.SUSPENDED, StudentStatus.DROPPED_OUT)
CLASS_KEPT_EVENTS = tuple(k for k, v in EVENT_STATUS.items() if v in CLASS_KEPT_STATUSES)

# Which events may follow a student's status (None = no event yet). Everything else is refused.
ALLOWED_AFTER: dict[str | None, tuple[str, ...]] = {
    None: (EventKind.ENROL, EventKind.TRANSFER_IN, EventKind.OUT_OF_COUNTY, EventKind.DEATH),
    StudentStatus.IN_SCHOOL: (
        EventKind.TRANSFER_OUT,
        EventKind.TRANSFER_IN,
        EventKind.SUSPEND,
        EventKind.DROP_OUT,
        EventKind.PROMOTE,
        EventKind.REPEAT,
        EventKind.GRADUATE,
        EventKind.DEATH,
        EventKind.OUT_OF_COUNTY,
    ),
    StudentStatus.SUSPENDED: (EventKind.RESUME, EventKind.DROP_OUT, EventKind.TRANSFER_OUT, EventKind.DEATH),
    StudentStatus.DROPPED_OUT: (
        EventKind.RESUME,
        EventKind.ENROL,
        EventKind.TRANSFER_IN,
        EventKind.OUT_OF_COUNTY,
        EventKind.DEATH,
    ),
    StudentStatus.TRANSFERRED_OUT: (EventKind.TRANSFER_IN, EventKind.ENROL, EventKind.OUT_OF_COUNTY, EventKind.DEATH),
    StudentStatus.GRADUATED: (EventKind.ENROL, EventKind.TRANSFER_IN, EventKind.OUT_OF_COUNTY, EventKind.DEATH),
    StudentStatus.OUT_OF_COUNTY: (
        EventKind.TRANSFER_IN,
        EventKind.ENROL,
        EventKind.GRADUATE,
        EventKind.DROP_OUT,
        EventKind.PROMOTE,
        EventKind.DEATH,
    ),
    StudentStatus.DECEASED: (),
}
# Events that need a school in the county.
SCHOOL_EVENTS = (
    EventKind.ENROL,
    EventKind.TRANSFER_IN,
    EventKind.RESUME,
    EventKind.PROMOTE,
    EventKind.REPEAT,
    EventKind.SUSPEND,
)


class DisabilityCategory(models.TextChoices):
    NONE = "", "无"
    VISUAL = "visual", "视力残疾"
    HEARING = "hearing", "听力残疾"
    SPEECH = "speech", "言语残疾"
    PHYSICAL = "physical", "肢体残疾"
    INTELLECTUAL = "intellectual", "智力残疾"
    MENTAL = "mental", "精神残疾"
    MULTIPLE = "multiple", "多重残疾"


class PovertyStatus(models.TextChoices):
    NONE = "", "无"
    LIFTED = "lifted", "脱贫家庭"
    MONITORED = "monitored", "监测户"


class OrphanStatus(models.TextChoices):
    NONE = "", "无"
    ORPHAN = "orphan", "孤儿"
    UNATTENDED = "unattended", "事实无人抚养"


ETHNICITIES = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
    "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族",
    "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
]  # fmt: skip
Ethnicity = models.TextChoices(  # type: ignore[misc,call-overload]
    "Ethnicity", [(f"E{i + 1:02d}", (f"{i + 1:02d}", name)) for i, name in enumerate(ETHNICITIES)]
)


class PostType(models.TextChoices):
    FULL_TIME = "teacher", "专任教师"
    SUPPORT = "support", "教辅人员"
    WORKER = "worker", "工勤人员"
    ADMIN = "admin", "管理人员"


class Subject(models.TextChoices):
    CHINESE = "chinese", "语文"
    MATH = "math", "数学"
    ENGLISH = "english", "英语"
    PE = "pe", "体育"
    MUSIC = "music", "音乐"
    ART = "art", "美术"
    IT = "it", "信息技术"
    SCIENCE = "science", "科学"
    MORALITY = "morality", "道德与法治"
    PHYSICS = "physics", "物理"
    CHEMISTRY = "chemistry", "化学"
    BIOLOGY = "biology", "生物"
    HISTORY = "history", "历史"
    GEOGRAPHY = "geography", "地理"
    POLITICS = "politics", "思想政治"
    PSYCHOLOGY = "psychology", "心理健康"
    PRESCHOOL = "preschool", "学前教育"
    SPECIAL = "special", "特殊教育"
    VOCATIONAL = "vocational", "专业课"
    OTHER = "other", "其他"


class Title(models.TextChoices):
    NONE = "none", "未定职级"
    THIRD = "third", "三级教师"
    SECOND = "second", "二级教师"
    FIRST = "first", "一级教师"
    SENIOR = "senior", "高级教师"
    PROFESSOR = "professor", "正高级教师"


class Degree(models.TextChoices):
    HIGH_SCHOOL = "high_school", "高中及以下"
    SECONDARY = "secondary", "中专"
    COLLEGE = "college", "专科"
    BACHELOR = "bachelor", "本科"
    MASTER = "master", "硕士研究生"
    DOCTOR = "doctor", "博士研究生"


class Staffing(models.TextChoices):
    ESTABLISHED = "established", "在编"
    SPECIAL_POST = "special_post", "特岗教师"
    CONTRACT = "contract", "合同制"
    SUBSTITUTE = "substitute", "代课"


class BackboneLevel(models.TextChoices):
    NONE = "", "无"
    SCHOOL = "school", "校级骨干"
    COUNTY = "county", "县级骨干"
    CITY = "city", "市级骨干"
    PROVINCE = "province", "省级骨干"


class AssignmentKind(models.TextChoices):
    INITIAL = "initial", "初任"
    TRANSFER = "transfer", "调动"
    ROTATION = "rotation", "交流轮岗"
    HIRING_ROUND = "hiring_round", "县管校聘"
    SECONDMENT = "secondment", "支教/借调"


class StudyLevel(models.TextChoices):
    """The level at which a child of the county studies outside it (外县就读 events)."""

    KINDERGARTEN = "kindergarten", "学前"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "普通高中"
    VOCATIONAL = "vocational", "中职"
    OTHER = "other", "其他"


# 高中阶段 (REFERENCE §1.3: 普通高中 + 中等职业教育).
SENIOR_STUDY_LEVELS = (StudyLevel.SENIOR, StudyLevel.VOCATIONAL)

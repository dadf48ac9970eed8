"""Choices of the quality module: the five dimensions of 综合素质评价, its states, 1+X levels, competitions, tracks."""

from django.db import models


class Dimension(models.TextChoices):
    """The five dimensions (教基二〔2014〕11号)."""

    MORAL = "moral", "思想品德"
    ACADEMIC = "academic", "学业水平"
    HEALTH = "health", "身心健康"
    ARTS = "arts", "艺术素养"
    PRACTICE = "practice", "社会实践"


class PortfolioState(models.TextChoices):
    """One student's term of 综合素质评价: 写实记录 → 整理遴选 → 公示 → 审核确认 → 形成档案."""

    RECORDING = "recording", "写实记录"
    SELECTED = "selected", "已遴选"
    PUBLICITY = "publicity", "公示中"
    REVIEW = "review", "待审核确认"
    CONFIRMED = "confirmed", "已确认归档"


class Term(models.IntegerChoices):
    FIRST = 1, "第一学期"
    SECOND = 2, "第二学期"


class Subject(models.TextChoices):
    """学业水平考试科目 (普通高中)."""

    CHINESE = "chinese", "语文"
    MATH = "math", "数学"
    ENGLISH = "english", "外语"
    POLITICS = "politics", "思想政治"
    HISTORY = "history", "历史"
    GEOGRAPHY = "geography", "地理"
    PHYSICS = "physics", "物理"
    CHEMISTRY = "chemistry", "化学"
    BIOLOGY = "biology", "生物学"
    IT = "it", "信息技术"
    GENERAL_TECH = "general_tech", "通用技术"


class ResultGrade(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"
    E = "E", "E（不合格）"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


PASSING_GRADES = ("A", "B", "C", "D", "pass")


class CertLevel(models.TextChoices):
    """职业技能等级 (1+X)."""

    JUNIOR = "junior", "初级"
    MIDDLE = "middle", "中级"
    SENIOR = "senior", "高级"


class CompetitionLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    SCHOOL = "school", "校级"


class CompetitionKind(models.TextChoices):
    SKILLS = "skills", "职业技能大赛"
    ACADEMIC = "academic", "学科竞赛"
    ARTS = "arts", "艺术展演"
    SPORTS = "sports", "体育竞赛"
    INNOVATION = "innovation", "科技创新"
    OTHER = "other", "其他"


class Award(models.TextChoices):
    FIRST = "first", "一等奖"
    SECOND = "second", "二等奖"
    THIRD = "third", "三等奖"
    MERIT = "merit", "优秀奖"
    NONE = "none", "未获奖"


AWARDED = (Award.FIRST, Award.SECOND, Award.THIRD, Award.MERIT)


class EntrantRole(models.TextChoices):
    STUDENT = "student", "学生参赛"
    TEACHER = "teacher", "教师参赛"
    ADVISOR = "advisor", "指导教师"


class Track(models.TextChoices):
    SENIOR = "senior", "普通高中"
    VOCATIONAL = "vocational", "中职"


class PilotKind(models.TextChoices):
    INTEGRATED = "integrated", "职普融合班"
    COMPREHENSIVE = "comprehensive", "综合高中班"
    BRIDGE = "bridge", "中高职衔接（3+2）班"


class Outcome(models.TextChoices):
    """中职毕业生去向."""

    HIGHER_VOCATIONAL = "higher_vocational", "升入高职（专科）"
    UNDERGRADUATE = "undergraduate", "升入本科"
    EMPLOYED = "employed", "就业"
    SELF_EMPLOYED = "self_employed", "自主创业"
    ARMY = "army", "参军入伍"
    OTHER = "other", "其他"
    UNEMPLOYED = "unemployed", "待就业"


FURTHER_STUDY = (Outcome.HIGHER_VOCATIONAL, Outcome.UNDERGRADUATE)
EMPLOYED = (Outcome.EMPLOYED, Outcome.SELF_EMPLOYED, Outcome.ARMY)

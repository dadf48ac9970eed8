from django.db import models


class Part(models.TextChoices):
    """The 学部 whose figures are assessed: a 九年一贯制 school has both, a 完全中学 only its 初中部."""

    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"


class CheckGroup(models.TextChoices):
    """The three checklist dimensions of 教督〔2017〕6号 besides 资源配置."""

    GOVERNMENT = "government", "政府保障程度"
    QUALITY = "quality", "教育质量"
    RECOGNITION = "recognition", "社会认可度"


class CheckStatus(models.TextChoices):
    PENDING = "pending", "未评估"
    MET = "met", "达到"
    NOT_MET = "not_met", "未达到"


class Comparison(models.TextChoices):
    AT_LEAST = "min", "不低于"
    AT_MOST = "max", "不高于"


class DemoStatus(models.TextChoices):
    """A demonstration school (教育现代化示范校) application's steps."""

    CANDIDATE = "candidate", "培育对象"
    APPLIED = "applied", "已申报"
    COUNTY_PASSED = "county_passed", "县评审通过"
    RETURNED = "returned", "县评审退回"
    RECOGNISED = "recognised", "已认定"
    NOT_RECOGNISED = "not_recognised", "未获认定"


class DemoLevel(models.TextChoices):
    CITY = "city", "市级"
    PROVINCE = "province", "省级"

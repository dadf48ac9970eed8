from django.db import models


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已印发"


class DecisionKind(models.TextChoices):
    """The decisions a bulletin carries (seed part 五: 约谈、通报，并限期整改); the escalation ladder orders them."""

    NOTICE = "notice", "通报批评"
    INTERVIEW = "interview", "约谈"
    RECTIFY = "rectify", "限期整改"


class DecisionState(models.TextChoices):
    ISSUED = "issued", "已下达"
    REPORTED = "reported", "已反馈"
    VERIFIED = "verified", "已核验销号"
    OVERDUE = "overdue", "逾期"


class Addressee(models.TextChoices):
    TOWNSHIP = "township", "乡镇"
    SCHOOL = "school", "学校"
    SECTION = "section", "股室"


OPEN_STATES = (DecisionState.ISSUED, DecisionState.REPORTED, DecisionState.OVERDUE)

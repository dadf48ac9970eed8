from jiaoyun.teachers.models.ethics import Appraisal, EthicsRecord, Honour, Pledge, Sanction, TitlePromotion
from jiaoyun.teachers.models.quotas import CountyQuota, QuotaSnapshot, StaffingStandard, SubjectGap
from jiaoyun.teachers.models.rotation import RotationMove, RotationPlan
from jiaoyun.teachers.models.rounds import Appeal, Application, HiringRound, RoundEvent, RoundPost, Score, StandbyRecord

__all__ = [
    "Appeal",
    "Application",
    "Appraisal",
    "CountyQuota",
    "EthicsRecord",
    "HiringRound",
    "Honour",
    "Pledge",
    "QuotaSnapshot",
    "RotationMove",
    "RotationPlan",
    "RoundEvent",
    "RoundPost",
    "Sanction",
    "Score",
    "StaffingStandard",
    "StandbyRecord",
    "SubjectGap",
    "TitlePromotion",
]

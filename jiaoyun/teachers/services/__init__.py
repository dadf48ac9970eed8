"""Every write of the teachers module."""

from jiaoyun.teachers.services.ethics import (
    appraisal_record,
    ethics_record_create,
    honour_award,
    pledge_record,
    sanction_end,
    sanction_impose,
    title_promote,
)
from jiaoyun.teachers.services.quotas import county_quota_set, quota_compute, standard_update, standards_ensure
from jiaoyun.teachers.services.rotation import (
    rotation_move_cancel,
    rotation_move_complete,
    rotation_plan_approve,
    rotation_plan_generate,
)
from jiaoyun.teachers.services.rounds import (
    appeal_decide,
    appeal_file,
    application_submit,
    round_advance,
    round_create,
    round_post_set,
    round_recompute,
    score_set,
    standby_reassign,
    standby_training_record,
)

__all__ = [
    "appeal_decide",
    "appeal_file",
    "application_submit",
    "appraisal_record",
    "county_quota_set",
    "ethics_record_create",
    "honour_award",
    "pledge_record",
    "quota_compute",
    "rotation_move_cancel",
    "rotation_move_complete",
    "rotation_plan_approve",
    "rotation_plan_generate",
    "round_advance",
    "round_create",
    "round_post_set",
    "round_recompute",
    "sanction_end",
    "sanction_impose",
    "score_set",
    "standard_update",
    "standards_ensure",
    "standby_reassign",
    "standby_training_record",
    "title_promote",
]

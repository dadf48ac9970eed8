"""Every write of the safety module (re-exported here by sub-domain)."""

from jiaoyun.safety.services.bulletin import safety_bulletin_issue
from jiaoyun.safety.services.canteen import (
    SIXT_FIELDS,
    accompaniment_record,
    canteen_create,
    canteen_staff_add,
    canteen_update,
    sample_record,
    sixt_check_record,
)
from jiaoyun.safety.services.compliance import compliance_compute, rule_update
from jiaoyun.safety.services.devices import (
    DeviceAuthError,
    alert_acknowledge,
    device_auth_failure_record,
    device_authenticate,
    device_event_record,
    device_heartbeat,
    device_message_authenticate,
    device_nonces_purge,
    device_register,
    device_token_rotate,
    devices_check_offline,
    devices_provision_simulator,
)
from jiaoyun.safety.services.hazards import (
    ItemOutcome,
    hazard_close,
    hazard_open,
    hazard_rectify,
    hazard_verify,
    hazards_escalate_overdue,
    inspection_record,
)
from jiaoyun.safety.services.profile import guard_add, guard_update, profile_update
from jiaoyun.safety.services.surroundings import joint_action_log, risk_report_create, risk_report_resolve

__all__ = [
    "safety_bulletin_issue",
    "SIXT_FIELDS",
    "DeviceAuthError",
    "ItemOutcome",
    "accompaniment_record",
    "alert_acknowledge",
    "canteen_create",
    "canteen_staff_add",
    "canteen_update",
    "compliance_compute",
    "device_auth_failure_record",
    "device_authenticate",
    "device_event_record",
    "device_heartbeat",
    "device_register",
    "device_token_rotate",
    "device_message_authenticate",
    "device_nonces_purge",
    "devices_check_offline",
    "devices_provision_simulator",
    "guard_add",
    "guard_update",
    "hazard_close",
    "hazard_open",
    "hazard_rectify",
    "hazard_verify",
    "hazards_escalate_overdue",
    "inspection_record",
    "joint_action_log",
    "profile_update",
    "risk_report_create",
    "risk_report_resolve",
    "rule_update",
    "sample_record",
    "sixt_check_record",
]

from jiaoyun.safety.models.canteen import Canteen, CanteenStaff, FoodSample, MealAccompaniment, SixTCheck
from jiaoyun.safety.models.compliance import ComplianceSnapshot, Rule
from jiaoyun.safety.models.devices import Device, DeviceEvent, DeviceNonce, SafetyAlert
from jiaoyun.safety.models.hazards import Escalation, Hazard, HazardEvent, HazardEvidence
from jiaoyun.safety.models.inspections import ChecklistItem, ChecklistTemplate, Inspection, InspectionResult
from jiaoyun.safety.models.profile import Guard, SafetyProfile
from jiaoyun.safety.models.surroundings import JointAction, RiskReport

__all__ = [
    "Canteen",
    "CanteenStaff",
    "ChecklistItem",
    "ChecklistTemplate",
    "ComplianceSnapshot",
    "Device",
    "DeviceEvent",
    "DeviceNonce",
    "Escalation",
    "FoodSample",
    "Guard",
    "Hazard",
    "HazardEvent",
    "HazardEvidence",
    "Inspection",
    "InspectionResult",
    "JointAction",
    "MealAccompaniment",
    "RiskReport",
    "Rule",
    "SafetyAlert",
    "SafetyProfile",
    "SixTCheck",
]

from django.db import models


class GateStatus(models.TextChoices):
    GOOD = "good", "完好"
    DAMAGED = "damaged", "损坏"
    NONE = "none", "无校门"


class WallStatus(models.TextChoices):
    COMPLETE = "complete", "完整封闭"
    PARTIAL = "partial", "部分缺失"
    NONE = "none", "无围墙"


class RuleKind(models.TextChoices):
    GUARD_COUNT = "guard_count", "专职保安员配备（2015规范）"
    GUARD_QUALIFIED = "guard_qualified", "保安员年龄与持证"
    VIDEO_RETENTION = "video_retention", "视频保存天数（GB/T 29315）"
    ALARM_LINKED = "alarm_linked", "一键报警与公安联网"
    CAMERAS_KEY_AREAS = "cameras_key_areas", "重点部位视频覆盖"
    CAMERAS_LINKED = "cameras_linked", "视频监控与公安联网"
    CLOSED_MANAGEMENT = "closed_management", "封闭化管理"
    INSURANCE = "insurance", "校方责任险"


class Three100(models.TextChoices):
    """The three "100%" targets a rule counts towards (blank: none)."""

    NONE = "", "—"
    GUARDS = "guards", "专职保安员配备"
    CLOSED = "closed", "封闭化管理"
    LINKED = "linked", "一键报警和视频监控联网"


class InspectionKind(models.TextChoices):
    SELF = "self", "学校自查"
    TOWNSHIP = "township", "乡镇检查"
    COUNTY = "county", "县级检查"
    JOINT_POLICE = "joint_police", "联合公安检查"


class TemplateKind(models.TextChoices):
    CAMPUS = "campus", "校园安全"
    CANTEEN = "canteen", "食堂六T"


class SixT(models.TextChoices):
    HANDLE = "handle", "天天处理"
    INTEGRATE = "integrate", "天天整合"
    SWEEP = "sweep", "天天清扫"
    STANDARD = "standard", "天天规范"
    CHECK = "checked", "天天检查"
    IMPROVE = "improve", "天天改进"


class Severity(models.TextChoices):
    LOW = "low", "一般"
    MEDIUM = "medium", "较大"
    HIGH = "high", "重大"


class HazardStatus(models.TextChoices):
    OPEN = "open", "待整改"
    RECTIFIED = "rectified", "已整改待复查"
    VERIFIED = "verified", "复查通过"
    CLOSED = "closed", "已销号"


class Level(models.TextChoices):
    SCHOOL = "school", "学校"
    TOWNSHIP = "township", "乡镇"
    COUNTY = "county", "县级"


class Meal(models.TextChoices):
    BREAKFAST = "breakfast", "早餐"
    LUNCH = "lunch", "午餐"
    DINNER = "dinner", "晚餐"


class BrightKitchen(models.TextChoices):
    NONE = "none", "未实施"
    GLASS = "glass", "透明玻璃/开放式"
    VIDEO = "video", "视频展示"
    BOTH = "both", "透明+视频"


class DeviceKind(models.TextChoices):
    ALARM = "alarm", "一键报警"
    CAMERA = "camera", "视频监控"
    ACCESS = "access", "门禁"


class DeviceEventKind(models.TextChoices):
    ALARM_PRESSED = "alarm_pressed", "报警按下"
    DOOR_FORCED = "door_forced", "门被强行打开"
    CAMERA_OFFLINE = "camera_offline", "摄像头离线"


class AlertKind(models.TextChoices):
    DEVICE_OFFLINE = "device_offline", "设备离线"
    ALARM_PRESSED = "alarm_pressed", "一键报警"
    DOOR_FORCED = "door_forced", "门禁强开"
    CAMERA_OFFLINE = "camera_offline", "摄像头离线"
    HAZARD_ESCALATED = "hazard_escalated", "隐患逾期升级"


class RiskCategory(models.TextChoices):
    TRAFFIC = "traffic", "交通安全"
    VENDOR = "vendor", "流动摊贩"
    INTERNET_CAFE = "internet_cafe", "网吧/娱乐场所"
    CONSTRUCTION = "construction", "施工工地"
    WATER = "water", "水域"
    OTHER = "other", "其他"


class RiskLevel(models.TextChoices):
    LOW = "low", "低"
    MEDIUM = "medium", "中"
    HIGH = "high", "高"


class RiskStatus(models.TextChoices):
    OPEN = "open", "处置中"
    RESOLVED = "resolved", "已消除"

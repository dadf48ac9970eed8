from django.db import models


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", "县局管理员"
    BUREAU_STAFF = "bureau_staff", "局股室工作人员"
    COUNTY_LEADER = "county_leader", "县领导/挂钩部门（只读）"
    TOWNSHIP_GOV = "township_gov", "乡镇人民政府工作人员"
    TOWNSHIP_OFFICER = "township_officer", "中心校工作人员"
    PRINCIPAL = "principal", "校长/学校管理员"
    CLASS_TEACHER = "class_teacher", "班主任"
    VILLAGE_CADRE = "village_cadre", "村（社区）干部"
    STUDENT = "student", "学生"
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"
    NONE = "none", "无角色"


class Section(models.TextChoices):
    NONE = "", "—"
    BASIC = "basic", "基础教育股"
    PERSONNEL = "personnel", "人事股"
    SAFETY = "safety", "安全股"
    FINANCE = "finance", "计划财务股"
    IT = "it", "电教站"
    SUPERVISION = "supervision", "督导室"


class ScopeLevel(models.TextChoices):
    COUNTY = "county", "全县"
    TOWNSHIP = "township", "乡镇"
    SCHOOL = "school", "学校"
    CLASS = "class", "班级"
    VILLAGE = "village", "村（社区）"
    STUDENT = "student", "本人（学生）"
    NONE = "none", "无"


class AuditAction(models.TextChoices):
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    REVEAL = "reveal", "查看证件号"
    EXPORT = "export", "导出"
    IMPORT = "import", "导入"
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出"
    TRANSITION = "transition", "状态变更"


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"

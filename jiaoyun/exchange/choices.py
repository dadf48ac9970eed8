from django.db import models


class BatchStatus(models.TextChoices):
    PROCESSING = "processing", "处理中"
    PREVIEW = "preview", "预览"
    CONFIRMING = "confirming", "导入中"
    IMPORTED = "imported", "已导入"
    FAILED = "failed", "失败"
    CANCELLED = "cancelled", "已取消"

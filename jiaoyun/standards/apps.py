"""School standards and balance: 优质均衡 resource indicators and 差异系数, 办学条件 达标, demonstration schools."""

from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "jiaoyun.standards"
    label = "standards"
    verbose_name = "办学标准与均衡"

    def ready(self) -> None:
        # Register the 学校办学条件 format with the import framework.
        from jiaoyun.standards import exchange_kinds  # noqa: F401

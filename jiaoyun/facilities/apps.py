"""Projects and funds: school-building projects from approval to use, money by source, delay alerts, preschool coverage."""

from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "jiaoyun.facilities"
    label = "facilities"
    verbose_name = "项目与经费"

    def ready(self) -> None:
        # Register the projects and payments with the import framework, where it is installed.
        try:
            import jiaoyun.exchange.registry  # noqa: F401
        except ImportError:  # pragma: no cover
            return
        from jiaoyun.facilities import exchange_kinds  # noqa: F401

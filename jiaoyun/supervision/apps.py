from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "jiaoyun.supervision"
    label = "supervision"
    verbose_name = "督导与工作计划"

    def ready(self) -> None:
        # A county leader's people-level scope is the schools linked to them (挂钩联系, ADR 0037).
        from jiaoyun.core.scope import register_linked_schools
        from jiaoyun.supervision.selectors import linked_school_ids

        register_linked_schools(linked_school_ids)

from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "jiaoyun.schools"
    label = "schools"
    verbose_name = "学校"

    def ready(self) -> None:
        from jiaoyun.core.scope import register_township_members
        from jiaoyun.schools.selectors import township_members

        register_township_members(township_members)

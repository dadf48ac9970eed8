from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "jiaoyun.schools"
    label = "schools"
    verbose_name = "学校"

    def ready(self) -> None:
        from jiaoyun.core.scope import register_school_family, register_township_members
        from jiaoyun.schools.selectors import school_family, township_members

        register_township_members(township_members)
        register_school_family(school_family)

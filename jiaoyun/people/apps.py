from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "jiaoyun.people"
    label = "people"
    verbose_name = "学生与教师"

    def ready(self) -> None:
        from jiaoyun.people import audit_text

        audit_text.register()  # the audit log finds a child's or teacher's entries by name or ID number

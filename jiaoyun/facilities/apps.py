from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "jiaoyun.facilities"
    label = "facilities"
    verbose_name = "项目与经费"

from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "jiaoyun.finance"
    label = "finance"
    verbose_name = "教育经费保障"

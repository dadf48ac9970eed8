from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "jiaoyun.notices"
    label = "notices"
    verbose_name = "消息与提醒"

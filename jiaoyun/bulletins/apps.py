from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "jiaoyun.bulletins"
    label = "bulletins"
    verbose_name = "月度督查通报"

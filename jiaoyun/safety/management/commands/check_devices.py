from django.core.management.base import BaseCommand

from jiaoyun.safety.services import device_nonces_purge, devices_check_offline


class Command(BaseCommand):
    help = "将超过心跳间隔未上报的安防设备标记为离线并产生预警"

    def handle(self, *args, **options):
        purged = device_nonces_purge()
        n = devices_check_offline()
        self.stdout.write(f"新标记离线设备：{n}")
        self.stdout.write(f"清除过期设备消息随机数：{purged}")

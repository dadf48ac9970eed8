from django.core.management.base import BaseCommand

from jiaoyun.safety.services import devices_check_offline


class Command(BaseCommand):
    help = "将超过心跳间隔未上报的安防设备标记为离线并产生预警"

    def handle(self, *args, **options):
        n = devices_check_offline()
        self.stdout.write(f"新标记离线设备：{n}")

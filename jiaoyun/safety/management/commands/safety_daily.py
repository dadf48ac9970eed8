from django.core.management.base import BaseCommand

from jiaoyun.safety import services


class Command(BaseCommand):
    help = "平安校园日常任务：重新计算达标结果、逾期隐患升级、设备离线检查"

    def handle(self, *args, **options):
        self.stdout.write(f"达标结果：{services.compliance_compute()}所学校")
        self.stdout.write(f"逾期隐患升级：{services.hazards_escalate_overdue()}条")
        self.stdout.write(f"新标记离线设备：{services.devices_check_offline()}")

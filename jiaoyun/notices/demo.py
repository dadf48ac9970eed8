"""Demo data of the alerts: the recent 控辍保学 and offline-device alerts told in the inboxes, and a group robot
per township (钉钉, 加签) and one for the 督导室 (企业微信), set up but switched off — the demo sends nothing out."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.choices import Section
from jiaoyun.notices.bridge import alerts_bridge
from jiaoyun.notices.models import Notification, Robot


def generate(*, rng: random.Random, scale: float, stdout: Any, today: dt.date) -> None:
    if not Robot.objects.exists():
        robots = [
            Robot(name=f"{t.name}教育工作群", channel="dingtalk", township=t, is_active=False,
                  webhook="https://oapi.dingtalk.com/robot/send?access_token=DEMO")
            for t in Area.objects.filter(level=AreaLevel.TOWNSHIP).order_by("sort", "code")
        ]  # fmt: skip
        robots.append(Robot(name="督导室工作群", channel="wecom", section=Section.SUPERVISION, is_active=False,
                            webhook="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=DEMO", modules="bulletins"))  # fmt: skip
        Robot.objects.bulk_create(robots)
    told = alerts_bridge(on=today)
    stdout.write(
        f"消息：转入站内消息{told}条，共{Notification.objects.count()}条；群机器人{Robot.objects.count()}个（演示中停用）\n"
    )

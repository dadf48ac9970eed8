"""Seed the compliance rules (2015 规范, GB/T 29315, 三个100%) and the two standard checklists."""

from django.db import migrations

RULES = [
    # code, name, kind, threshold, parameters, three100, basis, sort
    (
        "guard-count-2015",
        "专职保安员配备",
        "guard_count",
        None,
        {"small_limit": 100, "small_min": 1, "mid_limit": 1000, "mid_min": 2, "step": 500},
        "guards",
        "中小学幼儿园安全防范工作规范（试行）（公治〔2015〕168号）",
        10,
    ),
    ("guard-qualified", "保安员年龄在60岁以下且持有效保安员证", "guard_qualified", None, {}, "", "地方规定", 20),
    ("closed-management", "封闭化管理", "closed_management", None, {}, "closed", "三个100%", 30),
    ("alarm-linked", "一键式紧急报警与公安机关联网", "alarm_linked", None, {}, "linked", "三个100%；GB/T 29315", 40),
    ("cameras-linked", "视频监控系统与公安机关联网", "cameras_linked", None, {}, "linked", "三个100%；GB/T 29315", 50),
    ("cameras-key-areas", "出入口及重点部位视频监控覆盖", "cameras_key_areas", None, {}, "", "GB/T 29315", 60),
    ("video-retention", "视频图像保存天数", "video_retention", None, {}, "", "GB/T 29315-2012（可配置）", 70),
    ("insurance", "校方责任险在保", "insurance", None, {}, "", "教体艺〔2008〕2号", 80),
]

CAMPUS = [
    "校门完好，门卫室24小时有人值守",
    "围墙（围栏）完整，实行封闭化管理",
    "一键报警装置完好并与公安机关联网，按期测试",
    "出入口及重点部位视频监控正常，录像保存天数达标",
    "校门外防冲撞设施（拒马/隔离墩/升降柱）到位",
    "上下学时段护学岗到位",
    "消防设施完好，疏散通道畅通",
    "教学楼、宿舍楼无危房隐患",
    "访客登记和门禁管理落实",
    "寄宿学校夜间有人值守巡查",
]

CANTEEN = [
    ("handle", "过期、变质食品及废弃物当天处理"),
    ("integrate", "原料、工具分类存放，生熟分开"),
    ("sweep", "加工区、餐厅当天清扫消毒"),
    ("standard", "从业人员持有效健康证，着装规范"),
    ("standard", "留样每样不少于125克、留存48小时以上"),
    ("checked", "索证索票、进货查验记录完整"),
    ("checked", "未加工四季豆、野生蘑菇等高风险食品"),
    ("improve", "上次检查问题已整改"),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("safety", "Rule")
    Template = apps.get_model("safety", "ChecklistTemplate")
    Item = apps.get_model("safety", "ChecklistItem")
    for code, name, kind, threshold, parameters, three100, basis, sort in RULES:
        Rule.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "threshold": threshold,
                "parameters": parameters,
                "three100": three100,
                "basis": basis,
                "sort": sort,
            },
        )
    campus, created = Template.objects.get_or_create(name="校园安全检查表", defaults={"kind": "campus"})
    if created:
        Item.objects.bulk_create(Item(template=campus, text=t, sort=i) for i, t in enumerate(CAMPUS, 1))
    canteen, created = Template.objects.get_or_create(name="食堂六T检查表", defaults={"kind": "canteen"})
    if created:
        Item.objects.bulk_create(
            Item(template=canteen, text=t, six_t=c, sort=i) for i, (c, t) in enumerate(CANTEEN, 1)
        )


class Migration(migrations.Migration):
    dependencies = [("safety", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""The 2021 targets come from the bureau's 2021 工作计划 (三、工作目标), not a 工作要点: relabel stored targets."""

from django.db import migrations

OLD = "2021年工作要点 三、目标任务（且不低于保山市平均水平）"
NEW = "施甸县教育体育局2021年工作计划 三、工作目标（各项指标达全市平均水平）"


def relabel(apps, schema_editor):  # type: ignore[no-untyped-def]
    Target = apps.get_model("indicators", "Target")
    Target.objects.filter(source=OLD).update(source=NEW)


def back(apps, schema_editor):  # type: ignore[no-untyped-def]
    Target = apps.get_model("indicators", "Target")
    Target.objects.filter(source=NEW).update(source=OLD)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0009_flow_window_and_extra")]

    operations = [migrations.RunPython(relabel, back)]

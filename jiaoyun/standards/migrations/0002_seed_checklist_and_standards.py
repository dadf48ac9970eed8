"""The checklist items, the 办学条件 standards and the demonstration criteria the county starts with."""

from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):
    from jiaoyun.standards.defaults import CHECK_ITEMS, CONDITION_STANDARDS, DEMO_CRITERIA

    CheckItem = apps.get_model("standards", "CheckItem")
    ConditionStandard = apps.get_model("standards", "ConditionStandard")
    DemoCriterion = apps.get_model("standards", "DemoCriterion")
    for group, number, text, target, veto in CHECK_ITEMS:
        CheckItem.objects.get_or_create(group=group, number=number, defaults={"text": text, "target": target,
                                                                              "veto": veto})
    for code, part, label, comparison, value, unit, kind, basis in CONDITION_STANDARDS:
        ConditionStandard.objects.get_or_create(
            code=code, part=part,
            defaults={"label": label, "comparison": comparison, "value": Decimal(value), "unit": unit,
                      "project_kind": kind, "basis": basis},
        )
    for number, text in enumerate(DEMO_CRITERIA, start=1):
        DemoCriterion.objects.get_or_create(number=number, defaults={"text": text})


class Migration(migrations.Migration):
    dependencies = [("standards", "0001_resources_checklist_standards_demo")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

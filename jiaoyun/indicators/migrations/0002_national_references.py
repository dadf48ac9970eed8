"""National values of the 全国教育事业发展统计公报 (REFERENCE.md §1.7) as comparison values."""

from django.db import migrations

SOURCE = "全国教育事业发展统计公报（REFERENCE.md §1.7）"
NATIONAL = {
    "preschool_gross": {2019: 83.4, 2020: 85.2, 2021: 88.1, 2022: 89.7, 2023: 91.1},
    "retention_9y": {2019: 94.8, 2020: 95.2, 2021: 95.4, 2022: 95.5, 2023: 95.7},
    "senior_gross": {2019: 89.5, 2020: 91.2, 2021: 91.4, 2022: 91.6, 2023: 91.8},
    "primary_net": {2020: 99.96},
    "junior_gross": {2020: 102.5},
}


def seed(apps, schema_editor):
    Reference = apps.get_model("indicators", "Reference")
    for code, values in NATIONAL.items():
        for year, value in values.items():
            Reference.objects.update_or_create(
                code=code, scope="national", year=year, defaults={"value": value, "source": SOURCE}
            )


def unseed(apps, schema_editor):
    apps.get_model("indicators", "Reference").objects.filter(scope="national", source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]

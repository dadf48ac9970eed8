"""Recompute the stored masks of the roster's ID numbers: only the first and the last character are kept
(jiaoyun.core.idcard.mask); the old mask kept the first 6 and the last 4, whose first and last are the new ones."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Left, Length, Right


def forwards(apps, schema_editor):
    HukouRecord = apps.get_model("dropout", "HukouRecord")
    HukouRecord.objects.alias(n=Length("id_masked")).filter(n=18).update(
        id_masked=Concat(Left("id_masked", 1), Value("*" * 16), Right("id_masked", 1))
    )


def backwards(apps, schema_editor):
    from jiaoyun.core import idcard

    HukouRecord = apps.get_model("dropout", "HukouRecord")
    rows = []
    for r in HukouRecord.objects.exclude(id_cipher="").only("pk", "id_cipher").iterator(chunk_size=2000):
        v = idcard.decrypt(r.id_cipher)
        r.id_masked = v[:6] + "*" * 8 + v[-4:]
        rows.append(r)
    HukouRecord.objects.bulk_update(rows, ["id_masked"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("dropout", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]

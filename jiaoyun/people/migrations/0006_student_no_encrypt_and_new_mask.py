"""Encrypt every stored 全国学籍号 (cipher + keyed digest + mask) and recompute every stored mask of an ID number
with the mask that keeps only the first and the last character (jiaoyun.core.idcard.mask at this migration)."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Left, Length, Right

from jiaoyun.core import idcard

BATCH = 2000


def _mask(value: str) -> str:  # idcard.mask at this migration, frozen here
    v = idcard.normalize(value)
    return "*" * len(v) if len(v) < 10 else v[0] + "*" * (len(v) - 2) + v[-1]


def _old_mask(value: str) -> str:  # the mask before this migration (first 6 and last 4)
    v = idcard.normalize(value)
    return "*" * len(v) if len(v) < 10 else v[:6] + "*" * (len(v) - 10) + v[-4:]


def remask_ids(model) -> None:
    """The old mask kept the first 6 and the last 4 characters: its first and last are the new mask's."""
    model.objects.alias(n=Length("id_masked")).filter(n=18).update(
        id_masked=Concat(Left("id_masked", 1), Value("*" * 16), Right("id_masked", 1))
    )


def forwards(apps, schema_editor):
    Student = apps.get_model("people", "Student")
    Teacher = apps.get_model("people", "Teacher")
    remask_ids(Student)
    remask_ids(Teacher)
    qs = Student.objects.filter(student_no__isnull=False).exclude(student_no="").order_by("pk")
    last = 0
    while True:
        rows = list(qs.filter(pk__gt=last).only("pk", "student_no")[:BATCH])
        if not rows:
            break
        for s in rows:
            number = idcard.normalize(s.student_no)
            s.student_no_hash = idcard.match_hash(number)
            s.student_no_cipher = idcard.encrypt(number)
            s.student_no_masked = _mask(number)
        Student.objects.bulk_update(rows, ["student_no_hash", "student_no_cipher", "student_no_masked"])
        last = rows[-1].pk


def backwards(apps, schema_editor):
    Student = apps.get_model("people", "Student")
    Teacher = apps.get_model("people", "Teacher")
    for model in (Student, Teacher):
        rows = []
        for obj in model.objects.exclude(id_cipher="").only("pk", "id_cipher").iterator(chunk_size=BATCH):
            obj.id_masked = _old_mask(idcard.decrypt(obj.id_cipher))
            rows.append(obj)
        model.objects.bulk_update(rows, ["id_masked"], batch_size=500)
    rows = []
    for s in Student.objects.exclude(student_no_cipher="").only("pk", "student_no_cipher").iterator(chunk_size=BATCH):
        s.student_no = idcard.decrypt(s.student_no_cipher)
        rows.append(s)
    Student.objects.bulk_update(rows, ["student_no"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_student_no_encrypted_fields"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]

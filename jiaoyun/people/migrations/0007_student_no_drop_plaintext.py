from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0006_student_no_encrypt_and_new_mask"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="student",
            name="student_no_unique",
        ),
        migrations.RemoveField(
            model_name="student",
            name="student_no",
        ),
        migrations.AddConstraint(
            model_name="student",
            constraint=models.UniqueConstraint(fields=("student_no_hash",), name="student_no_hash_unique"),
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_event_chain_graduation_and_student"),
    ]

    operations = [
        migrations.AddField(
            model_name="student",
            name="student_no_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True, verbose_name="学籍号摘要"),
        ),
        migrations.AddField(
            model_name="student",
            name="student_no_cipher",
            field=models.TextField(blank=True, editable=False, verbose_name="学籍号密文"),
        ),
        migrations.AddField(
            model_name="student",
            name="student_no_masked",
            field=models.CharField(blank=True, editable=False, max_length=19, verbose_name="全国学籍号"),
        ),
    ]

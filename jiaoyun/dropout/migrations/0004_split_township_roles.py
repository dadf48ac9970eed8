"""Split the township role: existing township officers become 中心校 staff (education line), except those
registered as the township government's responsible person (政府线 level 2), who become 乡镇人民政府 staff.
Documents issued before get their issuer: the case's township government, or the bureau."""

from django.db import migrations


def forward(apps, schema_editor):
    User = apps.get_model("core", "User")
    ResponsiblePerson = apps.get_model("dropout", "ResponsiblePerson")
    CaseDocument = apps.get_model("dropout", "CaseDocument")
    Area = apps.get_model("areas", "Area")
    government = ResponsiblePerson.objects.filter(line="admin", level=2, user__isnull=False).values("user_id")
    User.objects.filter(role="township_officer", pk__in=government).update(role="township_gov")
    names = dict(Area.objects.filter(level="township").values_list("pk", "name"))
    county = Area.objects.filter(level="county").order_by("sort", "code").values_list("name", flat=True).first()
    for doc in CaseDocument.objects.select_related("case").only("pk", "case__township_id").iterator():
        township_id = doc.case.township_id
        if township_id in names:
            doc.issuer_key, doc.issuer_name = f"township:{township_id}", f"{names[township_id]}人民政府"
        else:
            doc.issuer_key, doc.issuer_name = "bureau", f"{county or '县'}教育体育局"
        doc.save(update_fields=["issuer_key", "issuer_name"])


def backward(apps, schema_editor):
    apps.get_model("core", "User").objects.filter(role="township_gov").update(role="township_officer")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_township_government_role"),
        ("areas", "0001_initial"),
        ("dropout", "0003_documents_per_issuer"),
    ]

    operations = [migrations.RunPython(forward, backward)]

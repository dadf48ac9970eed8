"""Stored statements about pupils named the pupil by the 全国学籍号 (which embeds the ID number) as the
``account.name`` of the county's homePage. Give each such pupil a pseudonymous learning account and rewrite the
stored statements (the JSON served by GET and the indexed actor/object identifier) to use it.

The pupil is known from ``Statement.student`` (linked when the statement was stored): if the actor is an account
of the county's homePage, the actor is the pupil (a teacher actor would have been linked instead); otherwise the
pupil is the Agent object."""

import json
import secrets

from django.db import migrations

from jiaoyun.learning import conf

CHUNK = 2000


def forwards(apps, schema_editor):
    Statement = apps.get_model("learning", "Statement")
    LearnerPseudonym = apps.get_model("learning", "LearnerPseudonym")
    home = conf.get("XAPI_HOMEPAGE")
    last = 0
    while True:
        rows = list(Statement.objects.filter(student__isnull=False, id__gt=last).order_by("id")[:CHUNK])
        if not rows:
            return
        last = rows[-1].id
        wanted = {r.student_id for r in rows}
        names = dict(LearnerPseudonym.objects.filter(student_id__in=wanted).values_list("student_id", "name"))
        missing = wanted - set(names)
        if missing:
            LearnerPseudonym.objects.bulk_create(
                [LearnerPseudonym(student_id=pk, name="p" + secrets.token_hex(16)) for pk in sorted(missing)]
            )
            names.update(LearnerPseudonym.objects.filter(student_id__in=missing).values_list("student_id", "name"))
        changed = []
        for r in rows:
            data = json.loads(r.data)
            pseudonym = names[r.student_id]
            ifi = f"account:{home}|{pseudonym}"
            actor, obj = data.get("actor") or {}, data.get("object") or {}
            acc = actor.get("account")
            if isinstance(acc, dict) and acc.get("homePage") == home:
                acc["name"] = pseudonym
                r.actor_ifi = ifi
            else:
                acc = obj.get("account") if obj.get("objectType") == "Agent" else None
                if not (isinstance(acc, dict) and acc.get("homePage") == home):
                    continue
                acc["name"] = pseudonym
                r.object_id = ifi
            r.data = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            changed.append(r)
        Statement.objects.bulk_update(changed, ["data", "actor_ifi", "object_id"])


class Migration(migrations.Migration):
    dependencies = [("learning", "0006_client_documents_and_pseudonyms")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

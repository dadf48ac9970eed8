"""The audit log's hash chain: any edited, deleted or inserted row is found by ``audit_verify``."""

import datetime as dt
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import timezone

from jiaoyun.core.audit import GENESIS, audit_record, audit_record_many, chain_verify
from jiaoyun.core.models import AuditChainHead, AuditEntry
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.exchange.db import audit_created

pytestmark = pytest.mark.django_db


def table() -> str:
    return connection.ops.quote_name(AuditEntry._meta.db_table)


def raw(sql: str, params: list) -> None:
    with connection.cursor() as cur:
        cur.execute(sql.format(t=table()), params)


def verify() -> str:
    call_command("audit_verify", stdout=(out := __import__("io").StringIO()))
    return out.getvalue()


@pytest.fixture
def chain(db):
    user = UserFactory(username="auditor1")
    entries = [
        audit_record(
            actor=user,
            action="update",
            object_type="people.Student",
            object_id=str(i),
            object_repr=f"学生{i}",
            changes={"name": ["甲", "乙"], "n": [i, i + 1.5]},
            note="改名",
            ip="10.0.0.1",
        )  # fmt: skip
        for i in range(5)
    ]
    audit_record_many(actor=user, action="update", object_type="people.Student",
               entries=[(10 + i, f"学生{10 + i}", {"grade": [1, 2], "on": dt.date(2024, 9, 1)}) for i in range(4)])  # fmt: skip
    return [*entries, *AuditEntry.objects.filter(id__gt=entries[-1].pk).order_by("id")]


def test_entries_are_linked_and_the_chain_verifies(chain):
    rows = list(AuditEntry.objects.order_by("id"))
    assert rows[0].prev_hash == GENESIS
    for before, after in zip(rows, rows[1:], strict=False):
        assert after.prev_hash == before.entry_hash and len(after.entry_hash) == 64
    assert AuditChainHead.objects.get().last_hash == rows[-1].entry_hash
    assert "审计链完整：9条" in verify()


def test_an_edited_row_is_named(chain):
    victim = chain[2]
    raw("UPDATE {t} SET object_repr = %s WHERE id = %s", ["别人", victim.pk])
    with pytest.raises(CommandError, match=f"#{victim.pk}：内容与哈希不符"):
        verify()


def test_an_edited_json_value_is_found(chain):
    victim = chain[6]
    AuditEntry.objects.filter(pk=victim.pk).update(changes={"grade": [1, 3], "on": "2024-09-01"})
    with pytest.raises(CommandError, match=f"#{victim.pk}"):
        verify()


def test_a_deleted_row_breaks_the_link_of_the_next(chain):
    raw("DELETE FROM {t} WHERE id = %s", [chain[3].pk])
    with pytest.raises(CommandError, match=f"#{chain[4].pk}：前一条哈希不符（在#{chain[2].pk}之后）"):
        verify()


def test_deleting_the_newest_rows_is_found(chain):
    raw("DELETE FROM {t} WHERE id = %s", [chain[-1].pk])
    with pytest.raises(CommandError, match="链尾"):
        verify()


def test_an_inserted_row_is_found(chain):
    raw(
        "INSERT INTO {t} (at, actor_name, action, object_type, object_id, object_repr, changes, note, prev_hash, "
        "entry_hash) VALUES (%s, 'x', 'login', '', '', '', '{{}}', '', %s, %s)",
        [timezone.now(), chain[-1].entry_hash, "f" * 64],
    )
    with pytest.raises(CommandError, match="内容与哈希不符"):
        verify()


def test_a_rehashed_row_needs_the_key(chain, settings):
    """Recomputing a row's hash with a key other than the installation's does not make the chain whole."""
    from jiaoyun.core.audit import chain_key, row_digest

    victim = chain[1]
    AuditEntry.objects.filter(pk=victim.pk).update(object_repr="别人")
    forged = AuditEntry.objects.values().get(pk=victim.pk)
    real_key = settings.DATA_KEY
    settings.DATA_KEY = "someone-elses-key"
    digest = row_digest(chain_key(), forged, forged["prev_hash"])
    settings.DATA_KEY = real_key
    AuditEntry.objects.filter(pk=victim.pk).update(entry_hash=digest)
    with pytest.raises(CommandError, match=f"#{victim.pk}"):
        verify()


def test_imports_created_rows_are_chained(chain, county):
    from jiaoyun.areas.models import Area

    pks = list(Area.objects.values_list("pk", flat=True))
    assert audit_created(actor=None, model=Area, repr_column="name", pks=pks, changes={"import_batch": 7}) == len(pks)
    assert AuditEntry.objects.filter(object_type="areas.Area").count() == len(pks)
    assert chain_verify().ok


def test_deleting_a_user_keeps_the_chain_valid(chain):
    chain[0].actor.delete()
    assert AuditEntry.objects.filter(actor__isnull=True).count() == len(chain)
    assert chain_verify().ok


def test_an_empty_batch_writes_nothing(chain):
    assert audit_record_many(actor=None, action="update", object_type="x", entries=[]) == 0
    assert chain_verify().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_chain():
    """Threads append at once (own connections, own transactions): no two entries chain onto one predecessor."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are tested on PostgreSQL (SQLite has one writer at a time)")
    from django.db import transaction

    threads, errors = 8, []
    barrier = threading.Barrier(threads)

    def work(n: int) -> None:
        try:
            barrier.wait()
            for i in range(15):
                with transaction.atomic():
                    if i % 5 == 4:
                        audit_record_many(actor=None, action="update", object_type="t",
                                   entries=[(j, f"r{j}", {"k": n}) for j in range(3)])  # fmt: skip
                    else:
                        audit_record(actor=None, action="login", object_type="t", object_id=f"{n}-{i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert not errors
    assert AuditEntry.objects.count() == threads * (12 + 3 * 3)
    prevs = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(set(prevs)) == len(prevs)
    report = chain_verify()
    assert report.ok, report.broken


def test_the_migration_chains_existing_rows(chain):
    import importlib

    from django.apps import apps

    AuditEntry.objects.update(prev_hash="", entry_hash="")
    AuditChainHead.objects.all().delete()
    assert not chain_verify().ok
    importlib.import_module("jiaoyun.core.migrations.0004_audit_chain").chain_existing(apps, None)
    assert chain_verify().ok and AuditChainHead.objects.get().last_hash == AuditEntry.objects.latest("id").entry_hash


def test_a_batch_from_a_generator_of_fresh_dicts_stores_each_its_own_changes(db):
    """Dicts made and dropped one by one may reuse an id: each entry still gets its own changes."""
    n = audit_record_many(
        actor=None, action="update", object_type="t", entries=((i, f"r{i}", {"k": i}) for i in range(50))
    )
    assert n == 50
    got = {int(e.object_id): e.changes for e in AuditEntry.objects.filter(object_type="t")}
    assert all(got[i] == {"k": i} for i in range(50))
    assert chain_verify().ok

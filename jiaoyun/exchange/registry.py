"""The registry of import/export formats ("kinds").

A module registers a kind by subclassing ``Kind`` and decorating it with ``@register``:

* ``columns``: the file's columns (``Col``) with Chinese label, aliases, type, required flag, example;
* ``validate(values, ctx)``: the row validator, calling the module's domain rules; returns the record;
* ``unique_keys(record)``: the natural key(s), used to reject duplicates inside the file;
* ``classify(records, ctx)``: one query per batch against the database → new / updated / unchanged;
* ``write(records, ctx)``: the set-based bulk writer for new and updated records;
* ``export_rows(user)``: rows for the round-trip export (same column names), scope-filtered.

See docs/data-formats.md for the formats and the engine in ``jiaoyun.exchange.services``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils import timezone

from jiaoyun.core import idcard
from jiaoyun.core.errors import DomainError
from jiaoyun.exchange import values as V
from jiaoyun.exchange.readers import normalize_header

if TYPE_CHECKING:
    from jiaoyun.core.types import User

NEW, UPDATED, UNCHANGED, REJECTED, PENDING = "new", "updated", "unchanged", "rejected", "pending"
# An update of a person's identity (name, birth date, sex under the same ID number) the importer did not
# acknowledge: listed, not written (ADR 0028).
SKIPPED = "skipped"
DATE_CACHE = 100_000


@dataclass(frozen=True)
class Col:
    """One column of a format. ``type``: text, code, int, decimal, date, bool, choice, list, id_number."""

    name: str
    label: str
    type: str = "text"
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: str = ""
    choices: tuple[tuple[Any, Any], ...] = ()
    extra_choices: tuple[tuple[str, Any], ...] = ()
    lengths: tuple[int, ...] = ()
    max_length: int | None = None
    default: Any = None
    help: str = ""
    sensitive: bool = False
    # A text column holding a number-like identifier (学籍号, 教职工号, phone): text format in templates, a
    # cell whose digits a spreadsheet has lost is refused.
    text_cell: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)

    @property
    def as_text(self) -> bool:
        """Whether files hold this column as text (cell format ``@``): ID numbers, codes, number-like text."""
        return self.text_cell or self.type in ("id_number", "code")

    @property
    def type_label(self) -> str:
        return {
            "text": "文本",
            "code": "代码（数字）",
            "int": "整数",
            "decimal": "数字",
            "date": "日期",
            "bool": "是/否",
            "choice": "选项",
            "list": "列表（顿号分隔）",
            "id_number": "身份证号（文本）",
        }.get(self.type, self.type)

    def parser(self) -> Callable[[Any], Any]:
        """A function cell → value for this column; raises DomainError (without field: the engine adds it)."""
        t = self.type
        required, label, max_length = self.required, self.label, self.max_length

        def need(v: Any) -> Any:
            if required and (v is None or v == "" or v == []):
                raise DomainError("必填，不能为空")
            return v

        if t == "text":
            keep_text = self.text_cell

            def p_text(raw: Any) -> Any:
                if keep_text:
                    V.refuse_lost_digits(raw)
                    s = V.plain(raw)
                else:
                    s = V.text(raw)
                if max_length and len(s) > max_length:
                    raise DomainError(f"长度{len(s)}超过上限{max_length}")
                return need(s)

            return p_text
        if t == "code":
            lengths = self.lengths
            return lambda raw: need(V.parse_code(raw, lengths))
        if t == "int":
            return lambda raw: need(V.parse_int(raw))
        if t == "decimal":
            return lambda raw: need(V.parse_decimal(raw))
        if t == "date":
            # Birth dates repeat a lot in a roster: each distinct text is parsed once (bounded cache).
            parsed: dict[str, Any] = {}

            def p_date(raw: Any) -> Any:
                if type(raw) is str:
                    v = parsed.get(raw)
                    if v is None:
                        v = V.parse_date(raw)
                        if len(parsed) < DATE_CACHE:
                            parsed[raw] = v
                    return need(v)
                return need(V.parse_date(raw))

            return p_date
        if t == "bool":
            default = bool(self.default)
            return lambda raw: V.parse_bool(raw, default)
        if t == "list":
            return lambda raw: need(V.parse_list(raw))
        if t == "id_number":
            return lambda raw: need(V.parse_id_text(raw))
        if t == "choice":
            lookup = V.choice_lookup(list(self.choices), dict(self.extra_choices))
            labels = [str(lbl) for _, lbl in self.choices if str(lbl)]
            default = self.default

            def p_choice(raw: Any) -> Any:
                v = V.parse_choice(raw, lookup, labels)
                return need(default if v is None else v)

            return p_choice
        raise ValueError(f"unknown column type {t!r} in {label}")

    def render(self, value: Any) -> Any:
        """A stored value as written in a file of this format (the inverse of the parser)."""
        if value is None:
            return ""
        if self.type == "choice":
            for v, lbl in self.choices:
                if v == value:
                    return str(lbl)
            return str(value)
        if self.type == "bool":
            return "是" if value else "否"
        if self.type == "list":
            labels = dict(self.choices)
            return "、".join(str(labels.get(v, v)) for v in value)
        if isinstance(value, dt.date):
            return value.isoformat()
        return value


@dataclass
class Rec:
    """A validated row on its way: its record, then the outcome decided against the database."""

    row: int
    data: dict[str, Any]
    outcome: str = PENDING
    pk: int | None = None
    before: dict[str, Any] | None = None
    error: DomainError | None = None
    repr: str = ""
    # What identified the existing record (its column label, e.g. 身份证号), for the preview's messages.
    matched_by: str = ""
    # Whether the importer may see the existing record's values (else the preview shows only the file's).
    visible: bool = True
    # Set for an update that changes the person's identity (see ``Kind.identity_fields``).
    flag: str = ""

    def reject(self, error: DomainError) -> None:
        self.outcome, self.error = REJECTED, error


@dataclass
class Context:
    """What a run knows: who imports, whether it writes, lookups loaded by ``prepare``."""

    actor: User | None  # None: the command line's operator (``services.SYSTEM``)
    write: bool
    batch_id: int | None = None
    # Whether updates flagged as changing a person's identity are written (the importer ticked them).
    accept_flagged: bool = False
    cache: dict[str, Any] = field(default_factory=dict)
    today: dt.date = field(default_factory=timezone.localdate)


class Kind:
    """Base class of an import format; subclasses are registered with ``@register``."""

    key: ClassVar[str]
    label: ClassVar[str]
    object_type: ClassVar[str]  # audit object type, e.g. "people.Student"
    columns: ClassVar[tuple[Col, ...]]
    description: ClassVar[str] = ""
    # Compared to decide "updated" vs "unchanged"; names of record keys that map to model attnames.
    compare: ClassVar[tuple[str, ...]] = ()
    # Whether the engine writes one AuditEntry per created/updated row (people-level data).
    per_record_audit: ClassVar[bool] = False
    # What differs when two rows share a natural key but not ``conflict_fields`` (for the message).
    conflict_label: ClassVar[str] = "姓名"
    order: ClassVar[int] = 100
    # Fields whose change under the same natural key means "another person?" (name, birth date, sex): such an
    # update is flagged in the preview and only written when the importer acknowledges it (ADR 0028).
    identity_fields: ClassVar[tuple[str, ...]] = ()
    # The bureau sections that import this format (the county administrator imports every format).
    importers: ClassVar[tuple[str, ...]] = ("basic", "personnel")
    # Kinds usually imported next (the page after a confirm links to them), e.g. students → events.
    then: ClassVar[tuple[tuple[str, str], ...]] = ()
    # True when ``validate`` reads only lookups loaded by ``prepare`` (never the database) and leaves
    # ``ctx`` unchanged: worker processes may then check chunks of a large file in parallel.
    parallel_safe: ClassVar[bool] = False
    # Column of ``object_type``'s table shown in the audit entry of a created row (its ``Rec.repr``): when
    # set, PostgreSQL writes those entries itself with one INSERT … SELECT per batch.
    audit_repr_column: ClassVar[str] = ""

    def __init__(self) -> None:
        self._by_name = {c.name: c for c in self.columns}
        self._names: dict[str, Col] = {}
        for col in self.columns:
            for n in col.names:
                self._names[normalize_header(n)] = col

    # -- headers -------------------------------------------------------------------------------
    def knows(self, normalized: str) -> bool:
        return normalized in self._names

    def column_for(self, header: str) -> Col | None:
        return self._names.get(normalize_header(header))

    def required_columns(self) -> list[Col]:
        return [c for c in self.columns if c.required]

    # -- hooks ---------------------------------------------------------------------------------
    def prepare(self, ctx: Context) -> None:
        """Load lookups (codes → ids) once per run into ``ctx.cache``."""

    def validate(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        """Row validator: domain checks; returns the record to compare and write. Raise DomainError(field=…)."""
        return values

    def unique_keys(self, record: dict[str, Any]) -> list[tuple[str, Hashable]]:
        """(column label, key) pairs that must be unique inside the file."""
        raise NotImplementedError

    def seal(self, record: dict[str, Any], ctx: Context) -> None:
        """When confirming, add what only the write needs (e.g. encrypted ID numbers) to a validated record.

        Runs where the row is checked (a worker process for large files), after the duplicate fingerprints.
        """

    def conflict_fields(self) -> tuple[str, ...]:
        """Record keys named in the message when two rows share a key but differ (e.g. the name)."""
        return ("name",)

    def flush(self, recs: list[Rec], ctx: Context) -> list[Rec]:
        """Classify a batch; return the records whose outcome is final (default: all of them)."""
        self.classify(recs, ctx)
        return recs

    def classify(self, recs: list[Rec], ctx: Context) -> None:
        raise NotImplementedError

    def finish(self, ctx: Context) -> list[Rec]:
        """Records held back by ``flush`` (e.g. events, validated per student across the file)."""
        return []

    def write(self, recs: list[Rec], ctx: Context) -> None:
        raise NotImplementedError

    def after_write(self, ctx: Context) -> None:
        """Set-based follow-up once every batch is written (e.g. refresh cached state)."""

    def export_rows(self, user: User, *, reveal: bool = False) -> Iterable[dict[str, Any]]:
        """Rows of the registry in this format (keys = column names), scope-filtered for ``user``."""
        return []

    def example_row(self) -> list[Any]:
        return [c.example for c in self.columns]

    # -- the preview: what a row would change, in the file's words ---------------------------------
    def column_of(self, field_name: str) -> Col | None:
        """The column a record field comes from (``hukou_village_id`` → 户籍所在村代码)."""
        return self._by_name.get(field_name) or self._by_name.get(field_name.removesuffix("_id"))

    def show_value(self, field_name: str, value: Any, ctx: Context) -> str:
        """A record value as the file would hold it (ids of related rows: override to show their codes)."""
        if value is None or value == "" or value == [] or value == ():
            return "（空）"
        col = self.column_of(field_name)
        if col is None:
            return str(value)
        shown = col.render(list(value) if isinstance(value, tuple) else value)
        if col.sensitive:
            return idcard.mask(str(shown))
        return str(shown)

    def field_label(self, field_name: str) -> str:
        if field_name == "id_hash":
            return "身份证号"
        if field_name == "student_no_hash":
            return "全国学籍号"
        col = self.column_of(field_name)
        return col.label if col else field_name

    def shown_changes(self, rec: Rec, ctx: Context) -> list[list[str]]:
        """An update's changed fields as [column, before, after] (before hidden if the importer may not see it)."""
        out = []
        for name, (old, new) in (rec.before or {}).items():
            if old == "***":
                out.append([self.field_label(name), "（已登记的号码）", "（文件中的号码）"])
                continue
            before = self.show_value(name, old, ctx) if rec.visible else "（无权查看）"
            out.append([self.field_label(name), before, self.show_value(name, new, ctx)])
        return out

    def shown_record(self, rec: Rec, ctx: Context) -> list[list[str]]:
        """A new row's filled values as [column, value] (ID numbers masked)."""
        out = []
        for col in self.columns:
            key = col.name if col.name in rec.data else f"{col.name}_id"
            value = rec.data.get(key)
            if value in (None, "", [], ()) or col.name == "name":
                continue
            out.append([col.label, self.show_value(key, value, ctx)])
        return out

    def flag(self, rec: Rec, ctx: Context) -> str:
        """For an update changing ``identity_fields``: "同一身份证号姓名不同：张三 → 张山"; else ""."""
        if not self.identity_fields or not rec.before:
            return ""
        parts = []
        for name in self.identity_fields:
            if name in rec.before:
                old, new = rec.before[name]
                before = self.show_value(name, old, ctx) if rec.visible else "（无权查看）"
                parts.append(f"{self.field_label(name)}不同：{before} → {self.show_value(name, new, ctx)}")
        if not parts:
            return ""
        return f"同一{rec.matched_by or '编号'}" + "；".join(parts)

    def next_steps(self, ctx: Context) -> list[dict[str, Any]]:
        """What to do after a confirm, from the data just written: [{text, count, kind}] (``kind``: import next)."""
        return [{"text": text, "count": None, "kind": key} for key, text in self.then]


_REGISTRY: dict[str, Kind] = {}


def register(cls: type[Kind]) -> type[Kind]:
    """Class decorator: make a kind available to the web pages, the API and ``import_data``."""
    _REGISTRY[cls.key] = cls()
    return cls


def _load() -> None:
    from jiaoyun.exchange import kinds  # noqa: F401  (registers the built-in kinds)


def get_kind(key: str) -> Kind:
    _load()
    try:
        return _REGISTRY[key]
    except KeyError:
        raise DomainError(f"未知的数据类型“{key}”（可选：{'、'.join(_REGISTRY)}）", code="not_found")


def all_kinds() -> list[Kind]:
    _load()
    return sorted(_REGISTRY.values(), key=lambda k: k.order)


def changed(record: dict[str, Any], before: dict[str, Any], names: Iterable[str]) -> dict[str, list[Any]]:
    """Fields whose value differs between the file and the database: {name: [before, after]}."""
    return {n: [before.get(n), record.get(n)] for n in names if before.get(n) != record.get(n)}


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]

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

from jiaoyun.core.errors import DomainError
from jiaoyun.exchange import values as V
from jiaoyun.exchange.readers import normalize_header

if TYPE_CHECKING:
    from jiaoyun.core.types import User

NEW, UPDATED, UNCHANGED, REJECTED, PENDING = "new", "updated", "unchanged", "rejected", "pending"
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

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)

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

            def p_text(raw: Any) -> Any:
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

    def reject(self, error: DomainError) -> None:
        self.outcome, self.error = REJECTED, error


@dataclass
class Context:
    """What a run knows: who imports, whether it writes, lookups loaded by ``prepare``."""

    actor: User | None  # None: the command line's operator (``services.SYSTEM``)
    write: bool
    batch_id: int | None = None
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
    # True when ``validate`` reads only lookups loaded by ``prepare`` (never the database) and leaves
    # ``ctx`` unchanged: worker processes may then check chunks of a large file in parallel.
    parallel_safe: ClassVar[bool] = False
    # Column of ``object_type``'s table shown in the audit entry of a created row (its ``Rec.repr``): when
    # set, PostgreSQL writes those entries itself with one INSERT … SELECT per batch.
    audit_repr_column: ClassVar[str] = ""

    def __init__(self) -> None:
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

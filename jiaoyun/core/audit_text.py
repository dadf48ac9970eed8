"""The audit log in words: each entry rendered, when it is read, as one Chinese sentence.

"2021-03-05 09:12 县局管理员 王*（admin）查看了 学生 张*明 的完整身份证号（理由：劝返工作）". The entry is stored as
it always was (the hash chain covers the stored fields); this module only reads it (ADR 0030):

* the object type (``people.Student``) becomes the model's ``verbose_name`` through the app registry — core
  imports no domain app; types that are no model (``core.PeriodicJob``) or need another noun are registered;
* the object's description and every value pass through ``jiaoyun.core.audit_mask`` first (names, ID and
  mobile numbers masked exactly as before);
* keys of ``changes`` become the field's ``verbose_name``; values of fields with choices their label, of
  foreign keys the related object's name (looked up once per page for all its entries; names of people masked);
* an export's filters become Chinese phrases (area and school ids → names, choice values → labels).

Apps add to the registry in ``AppConfig.ready`` (``register_type``, ``register_labels``, ``register_values``,
``register_filter``, ``register_subject_finder``) for what cannot be derived.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone

from jiaoyun.core.audit_mask import IMPERSONAL_TYPES, NAME_KEYS, Masker, mask_name
from jiaoyun.core.choices import AuditAction, Role

# -- the registry -------------------------------------------------------------------------------------------


@dataclass
class TypeInfo:
    noun: str = ""  # the Chinese name of the object type (else the model's verbose_name)
    labels: dict[str, str] = field(default_factory=dict)  # key of ``changes`` → its Chinese name
    values: dict[str, Callable[[Any], str]] = field(default_factory=dict)  # key → formatter of its value


_TYPES: dict[str, TypeInfo] = defaultdict(TypeInfo)
# Filter parameter → (label, model label whose name the value is, or "").
_FILTERS: dict[str, tuple[str, str]] = {}
# Filter parameter → its values' labels (``grade=3`` → 三年级), where no model field says so.
_FILTER_CHOICES: dict[str, dict[str, str]] = {}
# Functions that find the audited objects of a person: term → [(object_type, QuerySet of pks)].
SubjectFinder = Callable[[str], Iterable[tuple[str, "models.QuerySet[Any]"]]]
_FINDERS: list[SubjectFinder] = []


def register_type(object_type: str, *, noun: str = "", labels: dict[str, str] | None = None) -> None:
    """Give an object type its Chinese noun and/or names for keys of its ``changes`` that are no model field."""
    info = _TYPES[object_type]
    info.noun = noun or info.noun
    info.labels.update(labels or {})


def register_values(object_type: str, values: dict[str, Callable[[Any], str]]) -> None:
    """Formatters for values under given keys of an object type's ``changes``."""
    _TYPES[object_type].values.update(values)


def register_filter(key: str, label: str, model: str = "", choices: Iterable[tuple[Any, Any]] = ()) -> None:
    """A list filter parameter: its Chinese label and, when its value is an id, the model it names, or the
    labels of its values."""
    _FILTERS[key] = (label, model)
    if choices:
        _FILTER_CHOICES[key] = {str(v): str(label) for v, label in choices}


def register_subject_finder(finder: SubjectFinder) -> None:
    """Let the audit search find a person's entries: the finder takes the term (a name or an ID number) and
    returns ``(object_type, QuerySet of primary keys)`` pairs of the objects that belong to that person."""
    if finder not in _FINDERS:
        _FINDERS.append(finder)


def subject_finders() -> list[SubjectFinder]:
    return list(_FINDERS)


# Built in: the core's own types and the keys every app writes.
register_type("core.PeriodicJob", noun="定时任务")
register_type("core.AuditEntry", noun="审计日志")
register_type("core.User", noun="用户账号")
COMMON_LABELS = {
    "filters": "筛选",
    "rows": "行数",
    "format": "格式",
    "encoding": "编码",
    "revealed": "含完整证件号",
    "field": "号码",
    "reason": "理由",
    "batch": "导入批次",
    "kind": "类型",
    "status": "状态",
    "count": "数量",
    "created": "新增",
    "new": "新增",
    "updated": "更新",
    "unchanged": "未变",
    "total": "总行数",
    "file_sha256": "文件摘要",
    "skipped": "跳过",
    "rejected": "未通过",
    "note": "说明",
    "q": "关键词",
    "since": "起",
    "until": "止",
    "on": "日期",
    "month": "月份",
    "year": "学年",
}
NUMBER_FIELDS = {"id_number": "身份证号", "student_no": "全国学籍号"}
for _key, _label, _model in (
    ("township", "乡镇", "areas.Area"),
    ("village", "村（社区）", "areas.Area"),
    ("area", "区域", "areas.Area"),
    ("hukou_village", "户籍村", "areas.Area"),
    ("school", "学校", "schools.School"),
    ("school_class", "班级", "schools.SchoolClass"),
    ("class", "班级", "schools.SchoolClass"),
    ("klass", "班级", "schools.SchoolClass"),
    ("q", "关键词", ""),
    ("since", "起", ""),
    ("until", "止", ""),
    ("on", "日期", ""),
    ("grade", "年级", ""),
):
    register_filter(_key, _label, _model)
FILTER_IGNORED = {"format", "page", "encoding", "reveal", "reason", "sort", "per_page"}

# -- sentences ----------------------------------------------------------------------------------------------

MAX_CHANGES = 4  # shown in the sentence; the rest are counted ("等7项")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
ROWS_SUFFIX = re.compile(r"（\d+行）$")
EXPORT_REVEAL = re.compile(r"^导出(.+?)：")
DEFAULT_NOTES = re.compile(r"^(查看完整(身份证号|全国学籍号)|导出文件含完整身份证号)$")


def model_of(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def personal(object_type: str) -> bool:
    return not object_type.startswith(IMPERSONAL_TYPES)


def noun_of(object_type: str) -> str:
    """The Chinese name of an object type: registered, else the model's verbose_name, else 对象."""
    if object_type in _TYPES and _TYPES[object_type].noun:
        return _TYPES[object_type].noun
    model = model_of(object_type)
    if model is not None:
        return str(model._meta.verbose_name)
    return "对象"


def _field(model: type[models.Model] | None, key: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        f = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return f if isinstance(f, models.Field) else None


def label_of(object_type: str, key: str) -> str:
    """The Chinese name of a key of ``changes``: registered, the model field's verbose_name, or a common one."""
    registered = _TYPES[object_type].labels.get(key) if object_type in _TYPES else None
    if registered:
        return registered
    f = _field(model_of(object_type), key)
    if f is not None:
        return str(f.verbose_name)
    if key in COMMON_LABELS:
        return COMMON_LABELS[key]
    if key in _FILTERS:
        return _FILTERS[key][0]
    return key.removesuffix("_id").replace("_", " ")


def ordered(object_type: str, keys: list[str]) -> list[str]:
    """Keys of ``changes`` in a fixed order whatever the database (PostgreSQL's jsonb sorts keys by length):
    registered keys in their order, then the model's fields in declaration order, then the rest by name."""
    rank: dict[str, int] = {}
    info = _TYPES.get(object_type)
    for key in info.labels if info else ():
        rank.setdefault(key, len(rank))
    model = model_of(object_type)
    for f in model._meta.concrete_fields if model is not None else ():
        rank.setdefault(f.name, len(rank))
        rank.setdefault(f.attname, rank[f.name])
    for key in COMMON_LABELS:
        rank.setdefault(key, len(rank))
    return sorted(keys, key=lambda k: (rank.get(k, len(rank)), k))


class Names:
    """Names of objects referred to by id in a batch of entries, fetched with one query per model."""

    def __init__(self) -> None:
        self.wanted: dict[str, set[str]] = defaultdict(set)
        self.found: dict[str, dict[str, str]] = {}

    def want(self, model_label: str, value: Any) -> None:
        if value not in (None, "") and not isinstance(value, bool | dict | list):
            self.wanted[model_label].add(str(value))

    def fetch(self) -> None:
        for label, ids in self.wanted.items():
            model = model_of(label)
            known = self.found.setdefault(label, {})
            ids = {i for i in ids if i not in known}
            if model is None or not ids:
                continue
            pk_field = model._meta.pk
            try:
                clean = [pk_field.to_python(i) for i in ids] if pk_field is not None else []
            except ValidationError:  # a value that is no id of this model: left as it is
                clean = []
            mask = personal(label)
            for obj in model._default_manager.filter(pk__in=clean):
                if label == "core.User":  # staff: role, masked name and account, like the acting user
                    known[str(obj.pk)] = actor_text(obj, getattr(obj, "username", ""))
                else:
                    known[str(obj.pk)] = mask_name(str(obj)) if mask else str(obj)
        self.wanted.clear()

    def name(self, model_label: str, value: Any) -> str | None:
        return self.found.get(model_label, {}).get(str(value))


def actor_text(actor: Any, account: str) -> str:
    """县局管理员 王*（admin）: the role, the masked name and the account as recorded."""
    if actor is None:
        return f"账号 {account}" if account else "系统"
    role = Role(actor.role).label if actor.role in Role.values else ""
    display = getattr(actor, "display_name", "") or ""
    who = f"{mask_name(display)}（{account}）" if display else account
    return f"{role} {who}".strip()


class Renderer:
    """Renders entries as sentences; ``prepare`` a batch first so that names are looked up once."""

    def __init__(self) -> None:
        self.names = Names()

    # - name look-ups -
    def _refs(self, object_type: str, key: str, value: Any) -> Iterator[tuple[str, Any]]:
        f = _field(model_of(object_type), key)
        if f is not None and f.many_to_one and f.related_model is not None:
            target = f.related_model._meta.label  # type: ignore[union-attr]
            for v in value if isinstance(value, list) else [value]:
                yield target, v

    def prepare(self, entries: Iterable[Any]) -> None:
        for e in entries:
            changes = e.changes if isinstance(e.changes, dict) else {}
            for key, value in changes.items():
                for target, v in self._refs(e.object_type, key, value):
                    self.names.want(target, v)
            filters = changes.get("filters")
            if isinstance(filters, dict):
                for key, value in filters.items():
                    model = _FILTERS.get(key, ("", ""))[1]
                    if model:
                        self.names.want(model, value)
        self.names.fetch()

    # - values -
    def value(self, object_type: str, key: str, value: Any, masker: Masker) -> str:
        info = _TYPES.get(object_type)
        if info and key in info.values:
            return info.values[key](value)
        if value is None or value == "" or value == []:
            return "空"
        if isinstance(value, bool):
            return "是" if value else "否"
        f = _field(model_of(object_type), key)
        if f is not None and f.many_to_one and f.related_model is not None:
            found = self.names.name(f.related_model._meta.label, value)  # type: ignore[union-attr]
            return found or f"（已删除的{f.related_model._meta.verbose_name}）"  # type: ignore[union-attr]
        if f is not None and f.choices:
            return str(dict(f.flatchoices).get(value, value))  # type: ignore[arg-type]
        if isinstance(value, dict):
            return "，".join(f"{label_of(object_type, str(k))} {self.value(object_type, str(k), v, masker)}"
                            for k, v in value.items())  # fmt: skip
        if isinstance(value, list):
            return "、".join(self.value(object_type, key, v, masker) for v in value)
        if isinstance(value, str) and ISO_DATETIME.match(value):
            try:
                return timezone.localtime(dt.datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
            except ValueError:
                pass
        if key == "field" and value in NUMBER_FIELDS:
            return NUMBER_FIELDS[value]
        if key == "file_sha256" and isinstance(value, str):
            return value[:12] + "…"
        return str(masker.value(value, key if NAME_KEYS.search(key) else ""))

    def change(self, object_type: str, key: str, value: Any, masker: Masker) -> str:
        """One key of ``changes``: "联系电话 138****0000 → 139****1111" or "学校 甸阳镇中心小学"."""
        label = label_of(object_type, key)
        if key in NUMBER_FIELDS or key in ("id_cipher", "id_hash"):
            return f"{label}（不显示）"
        if isinstance(value, list) and len(value) == 2 and not isinstance(value[0], list | dict):
            before, after = (self.value(object_type, key, v, masker) for v in value)
            return f"{label} {before} → {after}"
        return f"{label} {self.value(object_type, key, value, masker)}"

    def changes_list(self, entry: Any) -> list[str]:
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        masker = Masker(object_type=entry.object_type, object_repr=entry.object_repr, changes=changes)
        # An import's or export's data kind is a code of the import framework; the sentence already names it.
        skip = {"kind"} if entry.action in (AuditAction.IMPORT, AuditAction.EXPORT) else set()
        keys = ordered(entry.object_type, [str(k) for k in changes if k not in skip])
        return [self.change(entry.object_type, k, changes[k], masker) for k in keys]

    def filters(self, filters: Any, object_type: str, masker: Masker) -> str:
        """An export's filters as Chinese phrases: names for ids, labels for choice values."""
        if not isinstance(filters, dict):
            return ""
        model = model_of(object_type)
        parts = []
        rank = {k: i for i, k in enumerate(_FILTERS)}
        keys = sorted(filters, key=lambda k: (rank.get(k, len(rank)), ordered(object_type, list(filters)).index(k)))
        for key in keys:
            value = filters[key]
            if key in FILTER_IGNORED or value in ("", None):
                continue
            label, target = _FILTERS.get(key, ("", ""))
            if target:
                parts.append(self.names.name(target, value) or f"{label}（已删除）")
                continue
            if key in _FILTER_CHOICES:
                parts.append(_FILTER_CHOICES[key].get(str(value), f"{label}“{value}”"))
                continue
            f = _field(model, key)
            if f is not None and f.choices:
                parts.append(str({str(k): v for k, v in f.flatchoices}.get(str(value), value)))
                continue
            if isinstance(f, models.BooleanField):
                if str(value).lower() in ("1", "true", "yes", "on"):
                    parts.append(str(f.verbose_name))
                continue
            label = label or (str(f.verbose_name) if f is not None else label_of(object_type, key))
            # A search term may be a child's name: masked like one (numbers in it are masked anyway).
            as_name = key if NAME_KEYS.search(key) else ("name" if key == "q" else "")
            parts.append(f"{label}“{masker.value(str(value), as_name)}”")
        return "、".join(parts)

    # - the sentence -
    def sentence(self, entry: Any) -> str:
        """The whole entry: time, who, what, to which object, and why."""
        at = timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M")
        return f"{at} {self.who(entry)} {self.what(entry)}"

    def who(self, entry: Any) -> str:
        actor = entry.actor if entry.actor_id else None
        return actor_text(actor, entry.actor_name)

    def what(self, entry: Any) -> str:  # one case per action
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        # An export's description is the file's name ("学生名单（12行）"), not a person's: names are not taken
        # from it (numbers and the names under name-like keys of ``changes`` are still masked).
        filed = entry.action == AuditAction.EXPORT or "rows" in changes
        masker = Masker(object_type=entry.object_type, object_repr="" if filed else entry.object_repr, changes=changes)
        noun = noun_of(entry.object_type)
        shown = masker.text(entry.object_repr)
        obj = f"{noun} {shown}".strip() if shown and shown != noun else noun
        note = masker.text(entry.note or "")
        action = entry.action
        if action == AuditAction.REVEAL:
            reason = masker.text(str(changes.get("reason") or "")) or ("" if DEFAULT_NOTES.match(note) else note)
            why = f"（理由：{reason}）" if reason else "（未填写理由）"
            if "rows" in changes:  # an export with full numbers
                found = EXPORT_REVEAL.match(shown)
                name = found.group(1) if found else noun
                rows = changes.get("rows")
                count = f"{rows:,} 人" if isinstance(rows, int) else ""
                scope = self.filters(changes.get("filters"), entry.object_type, masker)
                return f"导出了 {name} 中 {count}的完整身份证号" + (f"（筛选：{scope}）" if scope else "") + why
            number = NUMBER_FIELDS.get(str(changes.get("field") or "id_number"), "身份证号")
            return f"查看了 {obj} 的完整{number}{why}"
        if action == AuditAction.EXPORT:
            name = ROWS_SUFFIX.sub("", shown) or noun
            rows = changes.get("rows")
            bits = [f"{rows:,} 行" if isinstance(rows, int) else ""]
            scope = self.filters(changes.get("filters"), entry.object_type, masker)
            bits.append(f"筛选：{scope}" if scope else "未筛选")
            if changes.get("revealed"):
                bits.append("含完整身份证号")
            return f"导出了 {name}（{'，'.join(b for b in bits if b)}）"
        if action == AuditAction.LOGIN:
            return "登录了系统"
        if action == AuditAction.LOGOUT:
            return "退出了系统"
        if action == AuditAction.LOGIN_FAILED:
            target = f" {obj}" if shown else ""
            return f"登录失败{target}" + (f"（{note}）" if note else "")
        verb = {
            AuditAction.CREATE: "新增了",
            AuditAction.UPDATE: "修改了",
            AuditAction.DELETE: "删除了",
            AuditAction.IMPORT: "导入了",
            AuditAction.TRANSITION: "办理了",
        }.get(action, "操作了")
        text = f"{verb} {obj}"
        if action in (AuditAction.UPDATE, AuditAction.TRANSITION):
            items = self.changes_list(entry)
            if items:
                more = f" 等{len(items)}项" if len(items) > MAX_CHANGES else ""
                text += "：" + "；".join(items[:MAX_CHANGES]) + more
        if note:
            text += f"（{note}）"
        return text


def sentences(entries: Iterable[Any]) -> list[Any]:
    """Set ``sentence``, ``who`` and ``details`` (the changes, each as a Chinese phrase) on each entry."""
    entries = list(entries)
    r = Renderer()
    r.prepare(entries)
    for e in entries:
        e.sentence = r.sentence(e)
        e.who = r.who(e)
        e.what = r.what(e)
        e.details = r.changes_list(e)
    return entries


def iter_sentences(entries: Iterable[Any], *, chunk: int = 500) -> Iterator[Any]:
    """``sentences`` over a stream (an export), a chunk at a time."""
    batch: list[Any] = []
    for e in entries:
        batch.append(e)
        if len(batch) >= chunk:
            yield from sentences(batch)
            batch = []
    if batch:
        yield from sentences(batch)

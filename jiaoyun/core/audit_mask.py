"""What the audit log shows: who did what, when, to which object — not the personal data of the people involved.

The audit administrator (三员分立) audits actions; children's names and ID numbers are not needed for that
(个人信息保护法 第六条 最小必要). Every reader of the audit log — page, export and admin — therefore sees:

* as stored: time, acting account, action, object type and object id, IP address;
* masked: the object's description (``object_repr``), the changed values (``changes``) and the note:
  ID-like numbers (身份证号, 学籍号 "G" + ID) through ``jiaoyun.core.idcard.mask``, mobile numbers as
  ``138****5678``, names as ``张*`` / ``张*明`` / ``欧**华`` — values under name-like keys, short Chinese
  words in the description of objects that are people, and those same names wherever else they occur in the
  entry (e.g. in the note).

Field names (the keys of ``changes``) stay readable: they say *what* was changed.
"""

from __future__ import annotations

import re
from typing import Any

from jiaoyun.core.idcard import mask as mask_id

# Object types whose description names no person (kept as they are).
IMPERSONAL_TYPES = (
    "areas.",
    "schools.School",
    "schools.SchoolClass",
    "indicators.",
    "core.PeriodicJob",
    "core.AuditArchive",
    "teachers.HiringRound",
    "dropout.MatchRun",  # "2021-03-01 比对": a run of the cross-match, its counts
)
# Keys of ``changes`` whose values are names of people.
NAME_KEYS = re.compile(
    r"(^|_)(name|names|people|guardian|father|mother|contact|responsible|display_name)($|_)|姓名|联系人"
)

ID_LIKE = re.compile(r"(?<![0-9A-Za-z])([GgLlJj]?)(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
PHONE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
CJK_RUN = re.compile(r"[\u3400-\u9fff·]{2,4}")
WORD = re.compile(
    r"(?:(?<=^)|(?<=[\s,，、;；:：()（）\[\]【】/]))[\u3400-\u9fff·]{2,4}(?=$|[\s,，、;；:：()（）\[\]【】/])"
)


def mask_name(name: str) -> str:
    """张三 → 张*, 张小明 → 张*明, 欧阳小华 → 欧**华."""
    name = name.strip()
    if len(name) <= 1:
        return name and "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_numbers(text: str) -> str:
    text = ID_LIKE.sub(lambda m: m.group(1) + mask_id(m.group(2)), text)
    return PHONE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


def _names_in(value: Any, key: str = "") -> set[str]:
    """Names found under name-like keys of ``changes``."""
    found: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            found |= _names_in(v, str(k) if NAME_KEYS.search(str(k)) else key)
    elif isinstance(value, list | tuple):
        for v in value:
            found |= _names_in(v, key)
    elif isinstance(value, str) and key:
        found |= {w for w in re.split(r"[\s,，、;；]+", value) if 1 < len(w) <= 5 and CJK_RUN.fullmatch(w[:4])}
    return found


class Masker:
    """Masks one entry's texts; the names found anywhere in it are masked everywhere in it."""

    def __init__(self, *, object_type: str, object_repr: str, changes: Any) -> None:
        self.personal = not object_type.startswith(IMPERSONAL_TYPES)
        names = _names_in(changes)
        if self.personal:
            names |= set(WORD.findall(object_repr)) | set(CJK_RUN.findall(object_repr.split("（")[0].split("(")[0]))
        self.names = sorted(names, key=len, reverse=True)

    def text(self, value: str) -> str:
        value = mask_numbers(value or "")
        for name in self.names:
            value = value.replace(name, mask_name(name))
        return value

    def value(self, value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: self.value(v, str(k) if NAME_KEYS.search(str(k)) else key) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(v, key) for v in value]
        if isinstance(value, str):
            if key and CJK_RUN.fullmatch(value.strip()[:4] or "x"):
                return "、".join(mask_name(w) for w in re.split(r"[、,，]", value) if w)
            return self.text(value)
        return value


def masked(entry: Any) -> dict[str, Any]:
    """The entry's texts as the audit log shows them."""
    m = Masker(object_type=entry.object_type, object_repr=entry.object_repr, changes=entry.changes)
    return {"object_repr": m.text(entry.object_repr), "changes": m.value(entry.changes), "note": m.text(entry.note)}


def mask_entry(entry: Any) -> Any:
    """Set ``masked_repr``, ``masked_changes`` and ``masked_note`` on the entry (for templates) and return it."""
    texts = masked(entry)
    entry.masked_repr, entry.masked_changes, entry.masked_note = texts["object_repr"], texts["changes"], texts["note"]
    return entry

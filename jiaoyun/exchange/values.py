"""Cell values → Python values: dates in every form bureaus use, 是/否, codes written as numbers, choices by label."""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Mapping
from typing import Any

from jiaoyun.core.errors import DomainError

EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's 1900 date system (with its 1900-02-29 quirk absorbed)
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
TRUE = {"是", "有", "y", "yes", "true", "1", "√", "✓", "t"}
FALSE = {"否", "无", "n", "no", "false", "0", "×", "f", ""}
LIST_SEPARATORS = re.compile(r"[、,，;；/|]+")


def text(value: Any) -> str:
    """A cell as text: integral numbers without ``.0``, dates as ISO, everything stripped."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def parse_date(value: Any) -> dt.date | None:
    """2014-03-01, 2014/3/1, 20140301, 2014年3月1日, 2014.3.1, Excel serial numbers and real dates."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 19000101 <= value <= 21001231:  # 20140301 typed as a number
            return parse_date(str(int(value)))
        if 1 <= value < 2958466:  # an Excel serial day number
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise DomainError(f"“{value}”不是有效日期")
    raw = str(value).strip()
    s = _DATE_TIME_SUFFIX.sub("", raw)
    m = _DATE_TEXT.match(s) or _DATE_COMPACT.match(s)
    if m is None:
        if re.fullmatch(r"\d{5}(\.\d+)?", s):  # an Excel serial that arrived as text (e.g. via CSV)
            return EXCEL_EPOCH + dt.timedelta(days=int(float(s)))
        raise DomainError(f"“{raw}”不是可识别的日期（可写作2014-03-01、2014/3/1、20140301或2014年3月1日）")
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise DomainError(f"“{raw}”不是有效日期")


def parse_bool(value: Any, default: bool = False) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    s = text(value).lower()
    if s == "":
        return default
    if s in TRUE:
        return True
    if s in FALSE:
        return False
    raise DomainError(f"应为“是”或“否”，实际为“{s}”")


def parse_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        if not value.is_integer():
            raise DomainError(f"应为整数，实际为{value}")
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    s = text(value).replace(",", "")
    if s == "":
        return None
    try:
        return int(s)
    except ValueError:
        try:
            d = decimal.Decimal(s)
        except decimal.InvalidOperation:
            raise DomainError(f"应为整数，实际为“{s}”")
        if d != d.to_integral_value():
            raise DomainError(f"应为整数，实际为“{s}”")
        return int(d)


def parse_decimal(value: Any) -> decimal.Decimal | None:
    s = text(value)
    if s == "":
        return None
    try:
        return decimal.Decimal(s)
    except decimal.InvalidOperation:
        raise DomainError(f"应为数字，实际为“{s}”")


def parse_code(value: Any, lengths: tuple[int, ...]) -> str:
    """A numeric code (区划代码, 学校标识码) that Excel may have stored as a number."""
    s = text(value)
    if s == "":
        return ""
    if not s.isdigit() or (lengths and len(s) not in lengths):
        want = "或".join(str(n) for n in lengths)
        raise DomainError(f"“{s}”应为{want}位数字")
    return s


def parse_id_text(value: Any) -> str:
    """An ID number cell: an 18-digit number stored as a spreadsheet number has lost its last digits."""
    if isinstance(value, float):
        raise DomainError("身份证号被存成了数字，末几位已丢失；请将该列设为“文本”格式后重新填写")
    return text(value).replace(" ", "").upper()


def choice_lookup(choices: list[tuple[Any, Any]], extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Map labels and values (lower-cased) to the stored value."""
    out: dict[str, Any] = {}
    for value, label in choices:
        out[str(label).strip().lower()] = value
        out[str(value).strip().lower()] = value
    for k, v in (extra or {}).items():
        out[k.lower()] = v
    return out


def parse_choice(value: Any, lookup: Mapping[str, Any], labels: list[str]) -> Any:
    s = text(value).lower()
    if s == "":
        return None
    try:
        return lookup[s]
    except KeyError:
        shown = "、".join(labels[:12]) + ("…" if len(labels) > 12 else "")
        raise DomainError(f"“{text(value)}”不是可选值（可选：{shown}）")


def parse_list(value: Any) -> list[str]:
    s = text(value)
    return [p.strip() for p in LIST_SEPARATORS.split(s) if p.strip()] if s else []

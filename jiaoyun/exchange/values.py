"""Cell values → Python values: dates in every form bureaus use, 是/否, codes written as numbers, choices by label.

Typed cells (dates, numbers, codes, ID numbers, choices) are read with full-width digits and letters made
half-width and spaces removed; the accepted spellings beyond a column's own labels are the tables of
``jiaoyun.exchange.aliases``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Mapping
from typing import Any

from jiaoyun.core.errors import DomainError
from jiaoyun.exchange import aliases

EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's 1900 date system (with its 1900-02-29 quirk absorbed)
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
TRUE = aliases.TRUE
FALSE = aliases.FALSE
# Full-width digits, Latin letters and punctuation used in dates and codes → ASCII; the ideographic space → space.
_HALF_WIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
        **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
        "－": "-", "／": "/", "．": ".", "：": ":", "，": ",", "＋": "+", "\u3000": " ",
    }
)  # fmt: skip
_SPACES = re.compile(r"\s+")
# A long number as Excel/WPS shows it once the cell became a number: 5.30521E+17 (digits are lost).
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d*)?[eE][+-]?\d+$")
LOST_DIGITS = "被Excel存成了数字（显示如5.30521E+17），末几位已丢失；请把该列设为“文本”格式、按原始号码重新填写"
# A spreadsheet number keeps at most 15 significant digits exactly.
EXACT_DIGITS = 15
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


def plain(value: Any) -> str:
    """A typed cell as text: half-width digits and letters, no spaces at all (``１２３ ４`` → ``1234``)."""
    s = text(value)
    if not s.isascii():
        s = s.translate(_HALF_WIDTH)
    return _SPACES.sub("", s)


def refuse_lost_digits(value: Any) -> None:
    """Refuse a cell whose digits a spreadsheet has lost: scientific notation, or a number too long to be exact."""
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        if abs(value) >= 10**EXACT_DIGITS:
            raise DomainError(LOST_DIGITS)
    elif isinstance(value, str) and ("e" in value or "E" in value) and _SCIENTIFIC.match(plain(value)):
        raise DomainError(LOST_DIGITS)


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
    s = _DATE_TIME_SUFFIX.sub("", raw if raw.isascii() else raw.translate(_HALF_WIDTH).strip())
    m = _DATE_TEXT.match(s) or _DATE_COMPACT.match(s)
    if m is None:
        if re.fullmatch(r"\d{5}(\.\d+)?", s):  # an Excel serial that arrived as text (e.g. via CSV)
            return EXCEL_EPOCH + dt.timedelta(days=int(float(s)))
        raise DomainError(
            f"“{raw}”不是可识别的日期（可写作2014-03-01、2014/3/1、2014.3.1、20140301、2014年3月1日或Excel日期）"
        )
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise DomainError(f"“{raw}”不是有效日期")


def parse_bool(value: Any, default: bool = False) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    s = plain(value).lower()
    if s == "":
        return default
    if s in TRUE:
        return True
    if s in FALSE:
        return False
    raise DomainError(f"“{text(value)}”不是可识别的是/否（可写作：是/否、Y/N、1/0、有/无、√/×）")


def parse_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        if not value.is_integer():
            raise DomainError(f"应为整数，实际为{value}")
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    s = plain(value).replace(",", "")
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
    s = plain(value)
    if s == "":
        return None
    try:
        return decimal.Decimal(s)
    except decimal.InvalidOperation:
        raise DomainError(f"应为数字，实际为“{s}”")


def parse_code(value: Any, lengths: tuple[int, ...]) -> str:
    """A numeric code (区划代码, 学校标识码) that Excel may have stored as a number."""
    refuse_lost_digits(value)
    s = plain(value)
    if s == "":
        return ""
    if not s.isdigit() or (lengths and len(s) not in lengths):
        want = "或".join(str(n) for n in lengths)
        raise DomainError(f"“{s}”应为{want}位数字")
    return s


def parse_id_text(value: Any) -> str:
    """An ID number cell: an 18-digit number stored as a spreadsheet number has lost its last digits."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise DomainError("身份证号被存成了数字，末几位已丢失；请将该列设为“文本”格式后按原始号码重新填写")
    refuse_lost_digits(value)
    return plain(value).upper()


def choice_lookup(choices: list[tuple[Any, Any]], extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Map labels and values (lower-cased) to the stored value."""
    out: dict[str, Any] = {}
    for value, label in choices:
        out[plain(str(label)).lower()] = value
        out[plain(str(value)).lower()] = value
    for k, v in (extra or {}).items():
        out.setdefault(plain(k).lower(), v)
    return out


def parse_choice(value: Any, lookup: Mapping[str, Any], labels: list[str]) -> Any:
    s = plain(value).lower()
    if s == "":
        return None
    try:
        return lookup[s]
    except KeyError:
        shown = "、".join(labels[:12]) + (f"等{len(labels)}项，详见模板的“填写说明”" if len(labels) > 12 else "")
        raise DomainError(f"“{text(value)}”不是可选值（可选：{shown}）")


def parse_list(value: Any) -> list[str]:
    s = text(value)
    return [p.strip() for p in LIST_SEPARATORS.split(s) if p.strip()] if s else []

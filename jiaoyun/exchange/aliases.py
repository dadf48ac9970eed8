"""The spellings an import accepts besides a column's own labels: data, documented in docs/data-formats.md.

Each table maps a written form (compared without spaces, full-width digits and letters made half-width,
Latin letters lower-cased) to the stored value. A value found in none of them is refused with a message
naming the row, the column, the value and the accepted values.
"""

from __future__ import annotations

from jiaoyun.people.choices import ETHNICITIES, Ethnicity

# 性别: the labels 男/女 and the codes M/F are the column's own; GB/T 2261.1 codes 1/2 and common words.
SEX = {"男性": "M", "女性": "F", "男生": "M", "女生": "F", "1": "M", "2": "F", "male": "M", "female": "F"}

# 是/否 columns (empty: the column's default).
TRUE = frozenset({"是", "有", "y", "yes", "true", "1", "√", "✓", "t", "对"})
FALSE = frozenset({"否", "无", "n", "no", "false", "0", "×", "✗", "f", "不是", ""})

# 民族: every one of the 56 names without 族 (汉 → 汉族, 彝 → 彝族, 傈僳 → 傈僳族 …), and the GB/T 3304 codes
# written without their leading zero (1 → 01 汉族), as a number cell holds them.
ETHNICITY = {
    **{name.removesuffix("族"): value for value, name in Ethnicity.choices},
    **{str(int(value)): value for value, _ in Ethnicity.choices},
}
assert len(ETHNICITIES) == 56 and all(name.endswith("族") for name in ETHNICITIES)  # noqa: S101 - the table's premise

# 年级 written the way schools say them.
GRADE = {"初一": 7, "初二": 8, "初三": 9, "七年级": 7, "八年级": 8, "九年级": 9, "小班": -2}

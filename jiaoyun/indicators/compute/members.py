"""Member queries: each measure defined student by student (or cell, class, teacher) over the 学籍 events.

Each returns (member_id, school_id, village_id, n). ``{S_D}`` etc. are state sources. The drill-down lists
them; the oracle tests hold the set-based aggregation (``spans``, ``facts``) to them.
"""

# Every statement here is built from this package's fixed SQL fragments, table and column names and the
# choices of people.choices (code, not input); every value that varies is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

from jiaoyun.indicators import conf
from jiaoyun.people.choices import IN_SCHOOL_EVENTS, SENIOR_STUDY_LEVELS, EventFlow

# The SQL below is built only from the fixed fragments of this module and the event kinds and study levels of
# ``people.choices`` (code, not input); every value that varies is a bound parameter.


IN = "(" + ",".join(f"'{k}'" for k in IN_SCHOOL_EVENTS) + ")"
SENIOR_LEVELS = "(" + ",".join(f"'{k}'" for k in SENIOR_STUDY_LEVELS) + ")"
SNAPSHOT_KINDS = "(" + ",".join(f"'{k}'" for k in (*IN_SCHOOL_EVENTS, "drop_out")) + ")"

# A student's state on a date: the event whose span [date, until) contains it.
STATE = (
    "(SELECT e.student_id, e.kind, e.date AS event_date, e.school_id, e.grade, e.school_class_id AS class_id,"
    " e.flow, e.prev_school_id, e.study_level, st.birth_date, st.hukou_village_id AS village_id"
    " FROM people_enrolmentevent e"
    " JOIN people_student st ON st.id = e.student_id"
    " WHERE e.date <= %({date})s AND (e.until IS NULL OR e.until > %({date})s))"
)
NULL_ID = "CAST(NULL AS BIGINT)"


def _stock(cond: str, state: str = "S_D") -> str:
    return (
        f"SELECT s.student_id AS member_id, s.school_id, s.village_id, 1 AS n FROM {{{state}}} s"
        f" JOIN schools_school sc ON sc.id = s.school_id WHERE s.kind IN {IN} AND {cond}"
    )


def _band(band: str) -> str:
    return f"s.birth_date > %({band}_blo)s AND s.birth_date <= %({band}_bhi)s"


def _population(band: str) -> str:
    return (
        f"SELECT pc.id AS member_id, {NULL_ID} AS school_id, pc.area_id AS village_id, pc.count AS n"
        " FROM areas_populationcell pc JOIN areas_area v ON v.id = pc.area_id"
        " WHERE v.level = 'village' AND pc.year = %(pop_year)s AND pc.source = %(pop_source)s"
        f" AND pc.age >= %({band}_lo)s AND pc.age <= %({band}_hi)s"
    )


def _graduates(grade: int) -> str:
    return (
        "SELECT e.student_id AS member_id, e.school_id, st.hukou_village_id AS village_id, 1 AS n"
        " FROM people_enrolmentevent e JOIN people_student st ON st.id = e.student_id"
        f" WHERE e.kind = 'graduate' AND e.grade = {grade} AND e.school_id IS NOT NULL"
        " AND e.date >= %(prev_start)s AND e.date <= %(prev_end)s"
    )


def _entrants(grade: int, state: str) -> str:
    return (
        f"SELECT s.student_id AS member_id, s.school_id, s.village_id, 1 AS n FROM {{{state}}} s"
        f" WHERE s.kind IN {IN} AND s.kind <> 'repeat' AND s.grade = {grade}"
    )


# Events of grades 1–9 that move a student into or out of the county's schools (``EventFlow``, kept on the
# events); one leaving to a school outside the county carries no school: the school left is the previous one.
FLOWS = (
    "(SELECT e.student_id, e.kind, e.date, e.grade, COALESCE(e.school_id, e.prev_school_id) AS school_id, e.flow"
    " FROM people_enrolmentevent e WHERE e.flow <> '' AND e.grade BETWEEN 1 AND 9)"
)


def _windows(cohort: str, first: int, column: str = "f.date") -> str:
    """The cohort's years: grade g between the census date of its year in grade g and the end of that year."""
    return " OR ".join(
        f"(f.grade = {g} AND {column} > %({cohort}_{g}_lo)s AND {column} <= %({cohort}_{g}_hi)s)"
        for g in range(first, 10)
    )


def _flows(cohort: str, first: int, arriving: bool) -> str:
    flow = EventFlow.ARRIVE if arriving else EventFlow.LEAVE
    return (
        "SELECT f.student_id AS member_id, f.school_id, st.hukou_village_id AS village_id, 1 AS n"
        " FROM {FLOWS} f JOIN people_student st ON st.id = f.student_id"
        f" WHERE f.flow = '{flow}' AND ({_windows(cohort, first)})"
    )


TEACHER_MEMBERS = (
    "SELECT DISTINCT a.teacher_id, a.school_id FROM people_teacherassignment a"
    " JOIN people_teacher t ON t.id = a.teacher_id WHERE t.post_type = 'teacher'"
    ' AND a.start <= %(d_D)s AND (a."end" IS NULL OR a."end" >= %(d_D)s)'
    " UNION ALL SELECT t.id AS teacher_id, t.school_id FROM people_teacher t"
    " WHERE t.post_type = 'teacher' AND t.is_active AND t.school_id IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM people_teacherassignment a2 WHERE a2.teacher_id = t.id)"
)
LEVEL_COND = {
    "pre": "s.grade <= 0",
    "pri": "s.grade BETWEEN 1 AND 6",
    "jun": "s.grade BETWEEN 7 AND 9",
    "sen": "s.grade >= 10 AND sc.kind <> 'vocational'",
    "voc": "s.grade >= 10 AND sc.kind = 'vocational'",
}


def _teachers(level: str) -> str:
    """A school's full-time teachers, shared between its levels in proportion to its students."""
    return (
        f"SELECT {NULL_ID} AS member_id, c.school_id, {NULL_ID} AS village_id, 1.0 * t.n * c.nl / c.nt AS n"
        f" FROM (SELECT s.school_id, SUM(CASE WHEN {LEVEL_COND[level]} THEN 1 ELSE 0 END) AS nl, COUNT(*) AS nt"
        f" FROM {{S_D}} s JOIN schools_school sc ON sc.id = s.school_id WHERE s.kind IN {IN} AND sc.kind <> 'special'"
        " GROUP BY s.school_id) c"
        f" JOIN (SELECT tm.school_id, COUNT(*) AS n FROM ({TEACHER_MEMBERS}) tm GROUP BY tm.school_id) t"
        " ON t.school_id = c.school_id WHERE c.nl > 0"
    )


def _classes(cond: str) -> str:
    return (
        f"SELECT k.class_id AS member_id, k.school_id, {NULL_ID} AS village_id, 1 AS n FROM"
        " (SELECT s.class_id, s.school_id, COUNT(*) AS size FROM {S_D} s"
        " JOIN schools_schoolclass c ON c.id = s.class_id"
        f" WHERE s.kind IN {IN} AND s.grade BETWEEN 1 AND 9 AND c.school_year = %(year)s"
        f" GROUP BY s.class_id, s.school_id) k WHERE {cond}"
    )


# County youths (a hukou village in the county) studying at senior level outside the county on the date, by a
# 外县就读 event of the year or the two before; one who left a county school is counted at the school left.
OUT_OF_COUNTY_SENIOR = (
    "SELECT s.student_id AS member_id,"
    " CASE WHEN s.flow <> '' THEN COALESCE(s.school_id, s.prev_school_id) ELSE s.school_id END AS school_id,"
    " s.village_id, 1 AS n FROM {S_D} s"
    f" WHERE s.kind = 'out_of_county' AND s.study_level IN {SENIOR_LEVELS} AND s.village_id IS NOT NULL"
    " AND s.event_date >= %(out_from)s"
)


def _dropouts(lo: int, hi: int, still_out: str = "{RETURNED}") -> str:
    """Dropout events of grades lo–hi during the school year, up to the end of its flow window (the whole year
    once it has ended). ``still_out``: only those not back in school at the window's end (仍失学); by default the
    setting ``INDICATOR_DROPOUT_COUNT_RETURNED`` decides whether children persuaded back count."""
    return (
        "SELECT e.student_id AS member_id, e.school_id, st.hukou_village_id AS village_id, 1 AS n"
        " FROM people_enrolmentevent e JOIN people_student st ON st.id = e.student_id"
        f" WHERE e.kind = 'drop_out' AND e.grade BETWEEN {lo} AND {hi}"
        f" AND e.date >= %(start)s AND e.date <= %(d_F)s{still_out}"
    )


STILL_OUT = " AND (e.until IS NULL OR e.until > %(d_F)s)"


def _dropout_base(lo: int, hi: int) -> str:
    """In school at the start of the year (the base date), plus those already out by then after a dropout
    during the year (a child who dropped out and came back before the base date is in school on it)."""
    return (
        _stock(f"s.grade BETWEEN {lo} AND {hi}", state="S_B")
        + " UNION ALL SELECT s.student_id AS member_id, s.school_id, s.village_id, 1 AS n FROM {S_B} s"
        f" WHERE s.kind = 'drop_out' AND s.event_date >= %(start)s AND s.grade BETWEEN {lo} AND {hi}"
    )


MEASURES: dict[str, tuple[str, str]] = {
    # code: (label, member SQL)
    "kg_all": ("在园幼儿", _stock("s.grade <= 0")),
    "kg_age": ("在园（含更高学段）3–5周岁幼儿", _stock("s.grade >= -2 AND " + _band("pre"))),
    "kg_public": ("公办园在园幼儿", _stock("s.grade <= 0 AND sc.ownership = 'public'")),
    "kg_inclusive": (
        "公办及普惠性民办园在园幼儿",
        _stock("s.grade <= 0 AND sc.ownership IN ('public', 'inclusive_private')"),
    ),
    "pri_all": ("小学在校生", _stock("s.grade BETWEEN 1 AND 6")),
    "pri_age": ("在校（小学及以上）适龄儿童", _stock("s.grade >= 1 AND " + _band("pri"))),
    "jun_all": ("初中在校生", _stock("s.grade BETWEEN 7 AND 9")),
    "jun_age": ("在校（初中及以上）适龄少年", _stock("s.grade >= 7 AND " + _band("jun"))),
    "sen_all": ("高中阶段在校生", _stock("s.grade >= 10")),
    "sen_out": ("外县就读的本县户籍高中阶段学生", OUT_OF_COUNTY_SENIOR),
    "pop_pre": ("3–5周岁人口", _population("pre")),
    "pop_pri": ("6–11周岁人口", _population("pri")),
    "pop_jun": ("12–14周岁人口", _population("jun")),
    "pop_sen": ("15–17周岁人口", _population("sen")),
    "grad9": ("初中毕业生", _graduates(9)),
    "grad6": ("小学毕业生", _graduates(6)),
    "prog6": (
        "升入初中的小学毕业生",
        _graduates(6).replace(
            "WHERE e.kind",
            f"JOIN {{S_D}} s ON s.student_id = e.student_id AND s.kind IN {IN} AND s.grade >= 7 WHERE e.kind",
        ),
    ),
    "entr1": ("入学时一年级在校生", _entrants(1, "S_E9")),
    "arr9": ("期间县外转入", _flows("w9", 1, arriving=True)),
    "left9": ("期间转出县外及死亡", _flows("w9", 1, arriving=False)),
    "entr7": ("入学时七年级在校生", _entrants(7, "S_E3")),
    "arr3": ("期间县外转入", _flows("w3", 7, arriving=True)),
    "left3": ("期间转出县外及死亡", _flows("w3", 7, arriving=False)),
    "drop_pri": ("学年内辍学小学生", _dropouts(1, 6)),
    "out_pri": ("学年内辍学、仍失学的小学生", _dropouts(1, 6, STILL_OUT)),
    "base_pri": ("学年初小学在校生", _dropout_base(1, 6)),
    "drop_jun": ("学年内辍学初中生", _dropouts(7, 9)),
    "out_jun": ("学年内辍学、仍失学的初中生", _dropouts(7, 9, STILL_OUT)),
    "base_jun": ("学年初初中在校生", _dropout_base(7, 9)),
    "class_all": ("小学、初中班级", _classes("k.size > 0")),
    "class_big": ("大班额班级", _classes("k.size >= %(big_lo)s AND k.size <= %(big_hi)s")),
    "class_super": ("超大班额班级", _classes("k.size >= %(super_min)s")),
}
for _lvl, _label in (("pre", "幼儿园"), ("pri", "小学"), ("jun", "初中"), ("sen", "普通高中"), ("voc", "中职")):
    MEASURES[f"stu_{_lvl}"] = (
        f"{_label}在校生",
        _stock(LEVEL_COND[_lvl] + " AND sc.kind <> 'special'"),
    )
    MEASURES[f"tea_{_lvl}"] = (f"{_label}专任教师（分摊）", _teachers(_lvl))


def _out_of_school(band: str) -> str:
    """Children of the county (a hukou village) in an age band who are not in school on the date: never
    enrolled, dropped out, suspended, or left school after graduating. Those studying outside the county
    (外县就读, 转出) and the dead are left out. Not a part of any figure: the children who would close its gap."""
    return (
        f"SELECT st.id AS member_id, {NULL_ID} AS school_id, st.hukou_village_id AS village_id, 1 AS n"
        " FROM people_student st LEFT JOIN {S_D} s ON s.student_id = st.id"
        " WHERE st.hukou_village_id IS NOT NULL"
        f" AND st.birth_date > %({band}_blo)s AND st.birth_date <= %({band}_bhi)s"
        f" AND (s.kind IS NULL OR s.kind NOT IN {IN}) AND COALESCE(s.kind, '') NOT IN ('out_of_county', 'transfer_out',"
        " 'death')"
    )


# The children who would close the gap of a population-based rate (drill-down only, not stored).
GAP_MEASURES: dict[str, tuple[str, str]] = {
    "gap_pre": ("未入园的3–5周岁幼儿", _out_of_school("pre")),
    "gap_pri": ("未在校的6–11周岁儿童", _out_of_school("pri")),
    "gap_jun": ("未在校的12–14周岁少年", _out_of_school("jun")),
    "gap_sen": ("未在校的15–17周岁青少年", _out_of_school("sen")),
}

STATES = {"S_D": "d_D", "S_B": "d_B", "S_E9": "d_E9", "S_E3": "d_E3"}


def member_sql(measure: str) -> str:
    returned = "" if conf.get("INDICATOR_DROPOUT_COUNT_RETURNED") else STILL_OUT
    text = MEASURES[measure][1] if measure in MEASURES else GAP_MEASURES[measure][1]
    sql = text.replace("{FLOWS}", FLOWS).replace("{RETURNED}", returned)
    for name, date_param in STATES.items():
        sql = sql.replace("{" + name + "}", STATE.replace("{date}", date_param))
    return sql

"""Baselines of bench/indicators.py (a helper module, run by nothing on its own): the naive per-school ORM loop,
and the same SQL pipeline in DuckDB over Parquet exports of the rows.

The DuckDB statements are built from the fixed table names and column lists below and the engine's own SQL,
with the engine's bound values inlined as literals (``_literal``): nothing comes from outside the program.
"""

# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path


def naive_loop(periods: list) -> dict:
    """The baseline: per school and year one ORM query for its students' state, counted in Python."""
    from django.db.models import Sum

    from jiaoyun.areas.models import Area, PopulationCell
    from jiaoyun.people.choices import IN_SCHOOL_EVENTS
    from jiaoyun.people.selectors import students_as_of
    from jiaoyun.schools.models import School

    out: dict = {}
    for p in periods:
        ref = dt.date(p.as_of.year, 12, 31)
        township_counts: dict = {}
        for school in School.objects.all():
            counts = {"kg": 0, "pri": 0, "jun": 0, "sen": 0, "pri_age": 0}
            for s in (
                students_as_of(on=p.as_of)
                .filter(as_of_school_id=school.pk, as_of_kind__in=IN_SCHOOL_EVENTS)
                .values("birth_date", "as_of_grade")
            ):
                g = s["as_of_grade"]
                age = ref.year - s["birth_date"].year
                lvl = "kg" if g <= 0 else "pri" if g <= 6 else "jun" if g <= 9 else "sen"
                counts[lvl] += 1
                if g >= 1 and 6 <= age <= 11:
                    counts["pri_age"] += 1
            out[(p.year.start_year, school.pk)] = counts
            agg = township_counts.setdefault(school.township_id, dict.fromkeys(counts, 0))
            for k, v in counts.items():
                agg[k] += v
        for village in Area.objects.filter(level="village"):
            PopulationCell.objects.filter(area=village, year=p.as_of.year, age__gte=3, age__lte=17).aggregate(
                n=Sum("count")
            )
    return out


def _literal(v: object) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, dt.datetime):
        return f"TIMESTAMP '{v.replace(tzinfo=None).isoformat(sep=' ')}'"
    if isinstance(v, dt.date):
        return f"DATE '{v.isoformat()}'"
    return "'" + str(v).replace("'", "''") + "'"


EXPORTS = {
    "people_student": "SELECT id, birth_date, hukou_village_id FROM people_student",
    "people_enrolmentevent": "SELECT id, student_id, kind, date, seq, school_id, grade, school_class_id, until,"
    " prev_school_id, flow, study_level, grad6_date, grad6_school_id, student_birth, student_village_id"
    " FROM people_enrolmentevent",
    "schools_school": "SELECT id, kind, ownership, township_id FROM schools_school",
    "schools_schoolclass": "SELECT id, school_id, school_year, grade, number FROM schools_schoolclass",
    "areas_area": "SELECT id, level, parent_id FROM areas_area",
    "areas_populationcell": "SELECT id, area_id, year, age, sex, source, count FROM areas_populationcell",
    "people_teacher": "SELECT id, post_type, CASE WHEN is_active THEN 'true' ELSE 'false' END AS is_active, school_id FROM people_teacher",
    "people_teacherassignment": 'SELECT id, teacher_id, school_id, start, "end" FROM people_teacherassignment',
}
TYPES = {  # columns that may be entirely empty, whose type detection cannot see
    "people_teacherassignment": ", types={'end': 'DATE', 'start': 'DATE'}",
    "people_enrolmentevent": ", types={'school_id': 'BIGINT', 'school_class_id': 'BIGINT', 'grade': 'INTEGER',"
    " 'until': 'DATE', 'prev_school_id': 'BIGINT', 'flow': 'VARCHAR', 'grad6_date': 'DATE',"
    " 'grad6_school_id': 'BIGINT', 'student_birth': 'DATE', 'student_village_id': 'BIGINT',"
    " 'study_level': 'VARCHAR'}",
    "areas_area": ", types={'parent_id': 'BIGINT'}",
}
SCRATCH = [
    "CREATE TABLE indicators_runperiod (run_id BIGINT, school_year INTEGER, as_of DATE, base DATE, entry9 DATE,"
    " entry3 DATE, prev_start DATE, prev_end DATE, year_start DATE, flow_end DATE)",
    "CREATE TABLE indicators_rundate (run_id BIGINT, on_date DATE, idx INTEGER, all_grades BOOLEAN, class_year INTEGER,"
    " year_start DATE, base DATE, out_from DATE, pre_klo INTEGER, pre_khi INTEGER, pri_klo INTEGER, pri_khi INTEGER, jun_klo INTEGER,"
    " jun_khi INTEGER)",
    "CREATE TABLE indicators_runday (run_id BIGINT, day DATE, idx INTEGER, bkey INTEGER, year INTEGER)",
    "CREATE TABLE indicators_datefact (run_id BIGINT, on_date DATE, measure VARCHAR, school_id BIGINT,"
    " village_id BIGINT, n DOUBLE)",
    "CREATE TABLE indicators_fact (run_id BIGINT, school_year INTEGER, as_of DATE, measure VARCHAR, school_id BIGINT,"
    " school_township_id BIGINT, village_id BIGINT, village_township_id BIGINT, n DOUBLE)",
    "CREATE TABLE indicators_indicatorvalue (run_id BIGINT, code VARCHAR, level VARCHAR, area_id BIGINT,"
    " school_id BIGINT, school_year INTEGER, as_of DATE, value DOUBLE, numerator DOUBLE, denominator DOUBLE,"
    " extra DOUBLE, flow_end DATE, computed_at TIMESTAMP)",
]


def duckdb_run(periods: list) -> dict:
    """Export the rows to Parquet, then run the same SQL pipeline in DuckDB and compare the county figures."""
    import csv

    import duckdb
    from django.db import connection
    from django.utils import timezone

    from jiaoyun.indicators.compute import calendar_bounds, pipeline, positional
    from jiaoyun.indicators.definitions import INDICATORS
    from jiaoyun.indicators.models import IndicatorValue

    tmp = Path(tempfile.mkdtemp(prefix="jy-bench-duck-"))
    con = duckdb.connect()
    t0 = time.perf_counter()
    for table, sql in EXPORTS.items():
        path = tmp / f"{table}.csv"
        with (
            connection.cursor() as c,
            path.open(
                "wb" if connection.vendor == "postgresql" else "w",
                **({} if connection.vendor == "postgresql" else {"newline": ""}),
            ) as fh,
        ):
            if connection.vendor == "postgresql":  # streamed by the server (a plain cursor would hold every row)
                with c.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
                    for block in copy:
                        fh.write(block)
            else:
                c.execute(sql)
                writer = csv.writer(fh)
                writer.writerow([d[0] for d in c.description])
                while batch := c.fetchmany(50000):
                    writer.writerows(batch)
        types = TYPES.get(table, "")
        con.execute(
            f"COPY (SELECT * FROM read_csv('{path}', header=true, auto_detect=true{types}))"
            f" TO '{tmp / table}.parquet' (FORMAT parquet)"
        )
        path.unlink()
    export = time.perf_counter() - t0
    for table in EXPORTS:
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{tmp / table}.parquet')")
    for ddl in SCRATCH:
        con.execute(ddl)

    def execute(sql: str, params: dict) -> int:
        text, values = positional(sql, params)
        parts = text.split("%s")
        con.execute("".join(p + (_literal(values[i]) if i < len(values) else "") for i, p in enumerate(parts)))
        return 0

    t0 = time.perf_counter()
    pipeline(execute, run_id=1, periods=periods, chosen=list(INDICATORS), now=timezone.now(), bounds=calendar_bounds())
    seconds = time.perf_counter() - t0
    duck = {
        (code, y, a): (round(v, 6) if v is not None else None)
        for code, y, a, v in con.execute(
            "SELECT code, school_year, area_id, value FROM indicators_indicatorvalue WHERE level = 'county'"
        ).fetchall()
    }
    ours = {
        (v.code, v.school_year, v.area_id): (round(v.value, 6) if v.value is not None else None)
        for v in IndicatorValue.objects.filter(level="county")
    }
    con.close()
    shutil.rmtree(tmp)
    return {"duckdb": seconds, "export": export, "duckdb_match": duck == ours}

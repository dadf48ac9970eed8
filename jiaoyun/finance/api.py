"""JSON API of the finance module: the budget years with their figures and legal checks (readers only)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ninja import Router, Schema

from jiaoyun.core.errors import PermissionDenied
from jiaoyun.core.types import AuthedRequest
from jiaoyun.finance import permissions, selectors

router = Router(tags=["finance"])


class CheckOut(Schema):
    key: str
    group: str
    title: str
    basis: str
    passed: bool | None
    status: str
    text: str


class LevelOut(Schema):
    level: str
    label: str
    expenditure: Decimal | None
    public_funds: Decimal | None
    students_entered: int | None
    students_registry: int | None
    per_student_expenditure: Decimal | None
    per_student_public: Decimal | None


class YearOut(Schema):
    year: int
    education_expenditure: Decimal
    recurrent_revenue: Decimal
    students_entered: int | None
    students_registry: int | None
    per_student: Decimal | None
    teacher_pay: Decimal | None
    civil_servant_pay: Decimal | None
    levels: list[LevelOut]
    checks: list[CheckOut]


@router.get("/years", response=list[YearOut], summary="历年教育经费数据与“三个增长”“两个只增不减”等检查结果")
def finance_years(request: AuthedRequest) -> Any:
    if not permissions.can_read(request.user):
        raise PermissionDenied("无权查看教育经费数据")
    overview = selectors.overview()
    out = []
    for r in overview.rows:
        out.append(
            {
                **{k: getattr(r, k) for k in ("year", "education_expenditure", "recurrent_revenue", "students_entered",
                                             "students_registry", "per_student", "teacher_pay", "civil_servant_pay")},
                "levels": [
                    {k: getattr(lv, k) for k in LevelOut.model_fields} for lv in r.levels
                ],
                "checks": [{k: getattr(c, k) for k in CheckOut.model_fields} for c in overview.checks[r.year]],
            }
        )  # fmt: skip
    return out

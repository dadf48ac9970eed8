"""Canteen records: 六T daily checks, 陪餐, 留样, staff health certificates, 明厨亮灶."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from jiaoyun.core.audit import audit_record, diff, snapshot
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError
from jiaoyun.core.types import User
from jiaoyun.safety import conf
from jiaoyun.safety.choices import BrightKitchen, Meal
from jiaoyun.safety.models import Canteen, CanteenStaff, FoodSample, MealAccompaniment, SixTCheck
from jiaoyun.safety.permissions import require_manage
from jiaoyun.safety.services._util import clean_or_raise, created
from jiaoyun.schools.models import School

SIXT_FIELDS = ("handle", "integrate", "sweep", "standard", "checked", "improve")


def _not_future(date: dt.date) -> None:
    if date > timezone.localdate():
        raise DomainError("日期不能晚于今天", field="日期")


@transaction.atomic
def canteen_create(
    *, actor: User, school: School, name: str, bright_kitchen: str = BrightKitchen.NONE, online: bool = False
) -> Canteen:
    require_manage(actor, school)
    canteen = Canteen(school=school, name=name.strip(), bright_kitchen=bright_kitchen, bright_kitchen_online=online)
    return created(canteen, actor=actor, clean=True)


@transaction.atomic
def canteen_update(*, actor: User, canteen: Canteen, bright_kitchen: str, online: bool) -> Canteen:
    require_manage(actor, canteen.school)
    before = snapshot(canteen)
    canteen.bright_kitchen = bright_kitchen
    canteen.bright_kitchen_online = online and bright_kitchen in (BrightKitchen.VIDEO, BrightKitchen.BOTH)
    clean_or_raise(canteen)
    canteen.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=canteen, changes=diff(before, snapshot(canteen)))
    return canteen


@transaction.atomic
def sixt_check_record(
    *, actor: User, canteen: Canteen, date: dt.date, done: dict[str, bool], checker: str, note: str = ""
) -> SixTCheck:
    """The daily 六T check; one per canteen and day (a second entry for the same day updates it)."""
    require_manage(actor, canteen.school)
    _not_future(date)
    if not checker.strip():
        raise DomainError("请填写检查人", field="检查人")
    unknown = set(done) - set(SIXT_FIELDS)
    if unknown:
        raise DomainError(f"未知的六T项目：{'、'.join(sorted(unknown))}")
    values = {k: bool(done.get(k, False)) for k in SIXT_FIELDS}
    check, created = SixTCheck.objects.update_or_create(
        canteen=canteen, date=date, defaults={**values, "checker": checker.strip(), "note": note[:300]}
    )
    audit_record(actor=actor, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=check, changes=values)
    return check


@transaction.atomic
def accompaniment_record(
    *,
    actor: User,
    canteen: Canteen,
    date: dt.date,
    meal: str,
    companion: str,
    is_parent: bool = False,
    comments: str = "",
) -> MealAccompaniment:
    require_manage(actor, canteen.school)
    _not_future(date)
    if meal not in Meal.values:
        raise DomainError("餐次无效", field="餐次")
    if not companion.strip():
        raise DomainError("请填写陪餐人", field="陪餐人")
    rec = MealAccompaniment(
        canteen=canteen, date=date, meal=meal, companion=companion.strip(), is_parent=is_parent, comments=comments
    )
    return created(rec, actor=actor)


@transaction.atomic
def sample_record(
    *,
    actor: User,
    canteen: Canteen,
    date: dt.date,
    meal: str,
    dish: str,
    weight_g: int,
    keep_hours: int,
    keeper: str,
) -> FoodSample:
    """A 留样 record; refused below the minimum weight (125 g) or keeping time (48 h)."""
    require_manage(actor, canteen.school)
    _not_future(date)
    min_g = int(conf.get("SAFETY_SAMPLE_MIN_GRAMS"))
    min_h = int(conf.get("SAFETY_SAMPLE_MIN_HOURS"))
    if meal not in Meal.values:
        raise DomainError("餐次无效", field="餐次")
    if not dish.strip():
        raise DomainError("请填写菜品", field="菜品")
    if weight_g < min_g:
        raise DomainError(f"“{dish}”留样{weight_g}克，每样不少于{min_g}克", field="留样重量")
    if keep_hours < min_h:
        raise DomainError(f"“{dish}”留存{keep_hours}小时，应不少于{min_h}小时", field="留存时长")
    sample = FoodSample(canteen=canteen, date=date, meal=meal, dish=dish.strip(), weight_g=weight_g,
                        keep_hours=keep_hours, keeper=keeper)  # fmt: skip
    return created(sample, actor=actor)


@transaction.atomic
def canteen_staff_add(
    *, actor: User, canteen: Canteen, name: str, post: str, cert_no: str, cert_valid_until: dt.date | None
) -> CanteenStaff:
    require_manage(actor, canteen.school)
    staff = CanteenStaff(
        canteen=canteen, name=name.strip(), post=post, health_cert_no=cert_no, health_cert_valid_until=cert_valid_until
    )
    return created(staff, actor=actor, clean=True)

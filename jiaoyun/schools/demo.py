"""Demo capacity: each school's 核定学位数 from the pupils it holds, so that coverage and the forecast have a line to
compare against. Most schools have room (10–30 % above their roll, rounded up to whole classes); one kindergarten in
four is full or over-full, as rural kindergartens in a growing township are."""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

from django.db.models import Count

from jiaoyun.people.choices import StudentStatus
from jiaoyun.people.models import Student
from jiaoyun.schools.choices import SchoolKind
from jiaoyun.schools.models import School

# Standard class sizes used to round capacity to whole classes (幼儿园 30, 小学 45, 初中/高中 50).
CLASS_SIZE: dict[str, int] = {SchoolKind.KINDERGARTEN: 30, SchoolKind.PRIMARY: 45, SchoolKind.TEACHING_POINT: 30}


def generate(*, rng: random.Random, scale: int, stdout: Any, today: dt.date) -> None:
    roll = dict(
        Student.objects.filter(status=StudentStatus.IN_SCHOOL, current_school__isnull=False)
        .values_list("current_school")
        .annotate(n=Count("id"))
        .values_list("current_school", "n")
    )
    schools = list(School.objects.filter(seats__isnull=True).order_by("id"))
    for school in schools:
        size = CLASS_SIZE.get(school.kind, 50)
        pupils = roll.get(school.pk, 0)
        if school.kind == SchoolKind.KINDERGARTEN and rng.random() < 0.25:
            factor = rng.uniform(0.85, 1.0)
        else:
            factor = rng.uniform(1.1, 1.3)
        school.seats = max(size, math.ceil(pupils * factor / size) * size)
    School.objects.bulk_update(schools, ["seats"], batch_size=500)
    stdout.write(f"  schools：核定学位数 {len(schools)} 所\n")

"""The data scope of a request's user is worked out once per request, and never kept beyond it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiaoyun.core.scope import scope_cache_start, scope_for
from jiaoyun.schools.tests.factories import SchoolClassFactory

pytestmark = pytest.mark.django_db


def _class_queries(ctx: CaptureQueriesContext) -> int:
    """Queries of a user's classes (the class teacher's scope reads them)."""
    return sum(1 for q in ctx.captured_queries if "core_user_classes" in q["sql"] and "schools_schoolclass" in q["sql"])


def test_a_page_reads_the_class_teachers_classes_once(client, class_teacher):
    client.force_login(class_teacher)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("dropout:absences"))
    assert response.status_code == 200
    assert _class_queries(ctx) == 1


def test_outside_a_request_every_call_reads_the_scope_afresh(class_teacher, school_a):
    first = scope_for(class_teacher)
    other = SchoolClassFactory(school=school_a, school_year=2021, grade=2, number=1)
    class_teacher.classes.add(other)
    assert other.pk not in first.class_ids
    assert other.pk in scope_for(class_teacher).class_ids


def test_the_cache_holds_one_scope_for_the_object_it_was_started_on(class_teacher, django_assert_num_queries):
    scope_cache_start(class_teacher)
    with django_assert_num_queries(1):
        first = scope_for(class_teacher)
        assert scope_for(class_teacher) is first
    assert scope_for(type(class_teacher).objects.get(pk=class_teacher.pk)) == first  # a fresh object: no cache

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.safety.models import ChecklistTemplate


@pytest.fixture
def safety_staff(county):
    return UserFactory(username="safety_staff", role="bureau_staff", section="safety", display_name="安全股李股长")


@pytest.fixture
def vice_principal(school_a):
    """A second manager of school_a (so that fix and verification are done by different people)."""
    return UserFactory(username="vice_principal", role="principal", school=school_a, display_name="副校长")


@pytest.fixture
def campus_template(db):
    return ChecklistTemplate.objects.get(name="校园安全检查表")


@pytest.fixture
def canteen_template(db):
    return ChecklistTemplate.objects.get(name="食堂六T检查表")


@pytest.fixture
def photo():
    return SimpleUploadedFile("gate.jpg", b"\xff\xd8\xff\xe0fakejpeg", content_type="image/jpeg")


@pytest.fixture
def soon():
    return timezone.localdate() + dt.timedelta(days=7)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Persona users are created in most tests; a fast hasher keeps the suite lean on shared cores."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

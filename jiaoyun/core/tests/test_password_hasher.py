"""Production hashes passwords with Django's PBKDF2 (a million rounds); only the test run uses a fast hasher
(``fast_password_hasher`` in ``jiaoyun/conftest.py``), so a user of a test costs no quarter second of CPU."""

from __future__ import annotations

from django.conf import global_settings
from django.contrib.auth.hashers import get_hasher, identify_hasher, make_password

import config.settings as production


def test_production_hashes_with_pbkdf2():
    hashers = getattr(production, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)
    assert hashers[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"


def test_the_test_run_hashes_fast_and_still_reads_pbkdf2_hashes():
    assert get_hasher().algorithm == "md5"
    stored = get_hasher("pbkdf2_sha256").encode("Jiaoyun2021", "salt1234salt")
    assert identify_hasher(stored).algorithm == "pbkdf2_sha256"
    assert identify_hasher(make_password("Jiaoyun2021")).algorithm == "md5"

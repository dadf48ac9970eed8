"""The UI is zh-Hans first; switching to English shows English labels (from the committed .mo file)."""

from django.conf import settings
from django.urls import reverse


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_home_is_chinese_by_default(client, county_admin, school_a):
    client.force_login(county_admin)
    body = client.get(reverse("web:home")).content.decode()
    assert "在校学生" in body and "基础数据" in body


def test_switching_to_english_translates_layout_navigation_and_home(client, county_admin, school_a):
    client.force_login(county_admin)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("web:home")})
    assert response.status_code == 302
    body = client.get(reverse("web:home")).content.decode()
    assert '<html lang="en">' in body
    for label in ("Students in school", "Registries", "Areas and population", "Log out"):
        assert label in body
    assert "在校学生" not in body


def test_login_page_in_english(client, db):
    english(client)
    body = client.get(reverse("web:login")).content.decode()
    assert "User name" in body and "Password" in body
    assert "5 wrong passwords in a row lock the account" in body
    response = client.post(reverse("web:login"), {"username": "nobody", "password": "x"})
    assert "Wrong user name or password." in response.content.decode()


def test_list_pages_in_english(client, county_admin, students, school_a):
    client.force_login(county_admin)
    english(client)
    students_page = client.get(reverse("people:students")).content.decode()
    assert "Export Excel" in students_page and "Date of birth" in students_page and "3 records" in students_page
    assert "Schools by kind" not in students_page
    schools_page = client.get(reverse("schools:list")).content.decode()
    assert "School code" in schools_page and "Ownership" in schools_page
    areas_page = client.get(reverse("areas:list")).content.decode()
    assert "Area code" in areas_page
    teachers_page = client.get(reverse("people:teachers")).content.decode()
    assert "Main subject" in teachers_page


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client, county_admin):
    client.force_login(county_admin)
    response = client.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "退出" in response.content.decode()

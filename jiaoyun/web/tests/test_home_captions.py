"""The home page's counts say what they count and link to their lists."""

from django.urls import reverse


def test_home_counts_say_what_they_count_and_link_to_their_list(client, county_admin, school_a):
    client.force_login(county_admin)
    body = client.get(reverse("web:home")).content.decode()
    assert f'href="{reverse("people:students")}?status=dropped_out" data-testid="count-dropped"' in body
    caption = body.split('data-testid="caption-students">')[1].split("</div>")[0]
    # levels, ages and period of the 学籍 counts, and how they differ from the bulletin's cases
    assert "全部学段" in caption and "不限年龄" in caption and "今日" in caption and "控辍保学通报" in caption

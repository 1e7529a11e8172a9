"""Date fields say which zone they are in: the site's, by name, abbreviation and offset."""

from __future__ import annotations

import datetime as dt

import pytest

from broadsheet.newsroom.sitetime import site_time_label

UTC = dt.UTC


@pytest.mark.parametrize(
    ("zone", "moment", "label"),
    [
        ("America/New_York", dt.datetime(2026, 12, 3, 12, tzinfo=UTC), "New York time (EST, UTC−5)"),
        ("America/New_York", dt.datetime(2026, 7, 3, 12, tzinfo=UTC), "New York time (EDT, UTC−4)"),
        ("Asia/Kolkata", dt.datetime(2026, 7, 3, 12, tzinfo=UTC), "Kolkata time (IST, UTC+5:30)"),
        ("UTC", dt.datetime(2026, 7, 3, 12, tzinfo=UTC), "UTC time (UTC, UTC+0)"),
    ],
)
def test_the_label_names_the_sites_zone(settings, zone: str, moment: dt.datetime, label: str) -> None:
    settings.TIME_ZONE = zone
    assert site_time_label(moment) == label


def test_the_article_form_labels_its_publish_time(admin_client, section) -> None:
    from django.urls import reverse

    response = admin_client.get(reverse("admin:newsroom_article_add"))
    help_text = response.context["adminform"].form.fields["published_at"].help_text
    assert help_text.startswith("New York time (E")
    assert "New York time (E" in response.content.decode()
    # Django's "You are N hours ahead" note is hidden by the form's stylesheet.
    assert "/static/newsroom/writing.css" in response.content.decode()

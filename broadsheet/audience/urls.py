"""Newsletter URLs, mounted at /newsletter/ by the project's urls.py."""

from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path

from broadsheet.audience import push_views, views

app_name = "audience"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.subscribe, name="subscribe"),
    path("check-your-inbox/", views.check_inbox, name="check_inbox"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:key>/", views.unsubscribe, name="unsubscribe"),
    path("archive/", views.archive, name="archive"),
    path("archive/<int:issue_id>/", views.issue_page, name="issue"),
    path("push/subscribe/", push_views.push_subscribe, name="push_subscribe"),
    path("push/unsubscribe/", push_views.push_unsubscribe, name="push_unsubscribe"),
]

if settings.BROADSHEET_ANYMAIL_ESP:
    # anymail's tracking webhooks (it checks each ESP's signature): bounces and complaints.
    urlpatterns.append(path("esp/", include("anymail.urls")))

"""Newsletter URLs, mounted at /newsletter/ by the project's urls.py."""

from django.urls import path

from broadsheet.audience import views

app_name = "audience"

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("check-your-inbox/", views.check_inbox, name="check_inbox"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:key>/", views.unsubscribe, name="unsubscribe"),
    path("archive/", views.archive, name="archive"),
    path("archive/<int:issue_id>/", views.issue_page, name="issue"),
]

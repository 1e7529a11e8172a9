"""Root URL configuration: the admin, then the public site (which owns every other path)."""

from django.contrib import admin
from django.urls import include, path

from broadsheet.site import views as site_views

handler404 = site_views.page_not_found
handler500 = site_views.server_error

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("broadsheet.api.urls")),
    path("newsletter/", include("broadsheet.audience.urls")),
    path("", include("broadsheet.site.urls")),
]

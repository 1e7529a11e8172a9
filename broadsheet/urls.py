"""Root URL configuration: the admin, then the public site (which owns every other path)."""

from django.contrib import admin
from django.urls import include, path

from broadsheet.audience.push_views import service_worker
from broadsheet.site import preview
from broadsheet.site import views as site_views

handler404 = site_views.page_not_found
handler500 = site_views.server_error

# The article form's Preview (an unsaved form drawn as the public page): behind the admin's
# login, staff check and CSRF protection, before the admin's own catch-all.
article_preview = admin.site.admin_view(preview.article_preview)

urlpatterns = [
    path("admin/preview/article/", article_preview, name="article-preview"),
    path("admin/preview/article/<int:article_id>/", article_preview, name="article-preview-change"),
    path("admin/", admin.site.urls),
    path("api/", include("broadsheet.api.urls")),
    path("newsletter/", include("broadsheet.audience.urls")),
    # The push alerts' service worker: at the root so its scope is every page of the site.
    path("sw.js", service_worker, name="service-worker"),
    path("", include("broadsheet.site.urls")),
]

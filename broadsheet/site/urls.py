"""Public URLs. Fixed paths first; the section catch-alls last so they never shadow them."""

from django.urls import path, register_converter

from broadsheet.readership import beacon
from broadsheet.site import converters, feeds, search_views, sitemaps, views

register_converter(converters.YearConverter, "yyyy")
register_converter(converters.MonthConverter, "mm")

app_name = "site"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", search_views.search, name="search"),
    path("feed/", feeds.LatestFeed(), name="feed"),
    path("feed/atom/", feeds.LatestAtomFeed(), name="atom_feed"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap"),
    path("sitemap-<str:section>.xml", sitemaps.sitemap_section, name="sitemap_section"),
    path("news-sitemap.xml", sitemaps.news_sitemap, name="news_sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("v/", beacon.view_beacon, name="beacon"),
    path("author/<slug:slug>/", views.author, name="author"),
    path("tag/<slug:slug>/", views.tag, name="tag"),
    path("<yyyy:year>/<mm:month>/", views.archive, name="archive"),
    path("story/<int:story_id>-<slug:slug>/", views.story, name="story"),
    # A section, or else a static page (/about/, /privacy-policy/): one namespace of slugs.
    path("<slug:section>/", views.section, name="section"),
    path("<slug:section>/feed/", feeds.SectionFeed(), name="section_feed"),
    path("<slug:section>/<slug:slug>/", views.article, name="article"),
]

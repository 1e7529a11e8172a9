from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "broadsheet.site"
    label = "site"
    verbose_name = "Public site"

    def ready(self) -> None:
        from broadsheet.edge.signals import came_due
        from broadsheet.newsroom.signals import published
        from broadsheet.site import tasks

        # The sidebar's counts and archives change when an article does or comes due (the
        # page cache, in edge, purges the pages themselves).
        published.connect(tasks.refresh_widgets_after, dispatch_uid="site.refresh_widgets.published")
        came_due.connect(tasks.refresh_widgets_after, dispatch_uid="site.refresh_widgets.came_due")

from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "broadsheet.site"
    label = "site"
    verbose_name = "Public site"

    def ready(self) -> None:
        from broadsheet.discovery.signals import story_changed
        from broadsheet.newsroom.signals import published
        from broadsheet.site import receivers

        published.connect(receivers.purge_pages, dispatch_uid="site.purge_pages")
        story_changed.connect(receivers.purge_story_pages, dispatch_uid="site.purge_story_pages")
        receivers.connect_structure_signals()

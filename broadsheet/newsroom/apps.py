from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NewsroomConfig(AppConfig):
    name = "broadsheet.newsroom"
    label = "newsroom"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        from broadsheet.newsroom import revisions
        from broadsheet.newsroom.textsearch import repair_sqlite_index

        revisions.register()

        post_migrate.connect(repair_sqlite_index, sender=self, dispatch_uid="newsroom.repair_sqlite_index")

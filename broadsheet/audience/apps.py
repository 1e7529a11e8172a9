"""App configuration for newsletters and breaking-news alerts, and their periodic hooks."""

from typing import ClassVar

from django.apps import AppConfig

from broadsheet.core.periodic import Periodic


class AudienceConfig(AppConfig):
    name = "broadsheet.audience"
    label = "audience"
    verbose_name = "Newsletters"

    periodic: ClassVar[list[Periodic]] = [
        # Signup requests nobody confirmed in time are deleted: no address outlives its link.
        Periodic(name="newsletter signup purge", task="broadsheet.audience.signup.purge_expired"),
        # The daily digests, built and sent once a day at BROADSHEET_DIGEST_TIME (site time).
        Periodic(name="newsletter daily digest", task="broadsheet.audience.digest.build_due"),
    ]

    def ready(self) -> None:
        from anymail.signals import tracking

        from broadsheet.audience.bounces import on_tracking

        tracking.connect(on_tracking, dispatch_uid="audience-suppress-bounces")

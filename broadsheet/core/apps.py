from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "broadsheet.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.contrib import admin

        from broadsheet.core import login_throttle

        login_throttle.connect_signals()
        # The default admin site is where editors log in; its form names a lock instead of
        # reporting it as a wrong password.
        admin.site.login_form = login_throttle.ThrottledAdminAuthenticationForm

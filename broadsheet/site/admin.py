"""The admin's login form: the default admin site is where editors log in, and its form names a
lock instead of reporting it as a wrong password."""

from __future__ import annotations

from django.contrib import admin

from broadsheet.site.login_throttle import ThrottledAdminAuthenticationForm

admin.site.login_form = ThrottledAdminAuthenticationForm

"""WSGI entry point for gunicorn/granian (`broadsheet serve` starts it)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings.dev")

application = get_wsgi_application()

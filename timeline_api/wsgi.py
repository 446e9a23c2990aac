"""The WSGI entry point gunicorn loads: `timeline_api.wsgi:app`."""

from timeline_api.app import create_app

app = create_app()

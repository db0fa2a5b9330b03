"""perinatal serve: the pages and the API on gunicorn (perinatal.web.serving)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

from perinatal.web import serving


class Command(BaseCommand):
    help = (
        "Serve the pages and the API with gunicorn, the production WSGI server, on HOST:PORT "
        "(default 127.0.0.1:8000); static files are served by the service (WhiteNoise)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", help="address to listen on (default: $HOST or 127.0.0.1)")
        parser.add_argument("--port", type=int, help="port (default: $PORT or 8000)")
        parser.add_argument("--workers", type=int, help="worker processes (default: $WEB_WORKERS or 2 × cores + 1)")
        parser.add_argument("--threads", type=int, help="threads per worker (default: $WEB_THREADS or 4)")
        parser.add_argument("--access-log", help="access log file ('-': standard output); off by default")

    def handle(self, *args, host, port, workers, threads, access_log, **options):
        options_ = serving.options_from(
            dict(os.environ), host=host, port=port, workers=workers, threads=threads, access_log=access_log
        )
        if not settings.WHITENOISE_USE_FINDERS:
            # Production serves the collected files (fingerprint-free names, so a release's
            # pages and files always match): collect them from this release first.
            call_command("collectstatic", interactive=False, verbosity=0)
        database = settings.DATABASES["default"]
        if "DB_CONN_MAX_AGE" not in os.environ:
            database["CONN_MAX_AGE"] = serving.CONNECTION_MAX_AGE_SECONDS
        database["CONN_HEALTH_CHECKS"] = True
        # Nothing opened here may be shared by the forked workers.
        connections.close_all()
        self.stdout.write(
            f"Serving on http://{options_.host}:{options_.port} with gunicorn: {options_.workers} workers × "
            f"{options_.threads} threads",
        )
        self.stdout.flush()
        from perinatal.wsgi import application

        serving.serve(application, options_)

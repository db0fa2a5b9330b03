"""`perinatal serve`: the pages and the API on gunicorn, the production WSGI server.

Django's development server (`perinatal runserver`) is one process that serves one request
per thread with no supervision; gunicorn runs a master that restarts dead or stuck workers,
each worker a process with a few threads (docs/adr/0023-production-serving.md). The sizes
fit the machine unless set: workers = 2 × cores + 1 (gunicorn's own advice: one process
waits on the database while another computes), 4 threads each (a request spends most of its
time waiting on the database, when the GIL is free).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings as django_settings

from perinatal.stats.lazy import scipy_stats

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
THREADS_PER_WORKER = 4
# Past this a worker adds memory (~150 MB each: Django, numpy, scipy) and database connections
# (one per thread) without adding throughput on a small machine.
MAX_WORKERS = 9
# A request still running after this many seconds is stuck: the master kills and replaces the
# worker (an import or a MOSS run belongs to the background worker, never to a page).
REQUEST_TIMEOUT_SECONDS = 60
# Persistent database connections: a worker thread keeps its connection for this long instead
# of opening one per request (PostgreSQL's connection set-up costs several milliseconds).
CONNECTION_MAX_AGE_SECONDS = 60


@dataclass(frozen=True)
class ServeOptions:
    host: str
    port: int
    workers: int
    threads: int
    timeout: int = REQUEST_TIMEOUT_SECONDS
    access_log: str | None = None


def default_workers(cores: int | None = None) -> int:
    cores = cores or os.cpu_count() or 1
    return max(2, min(MAX_WORKERS, 2 * cores + 1))


def options_from(
    environ: dict[str, str],
    *,
    host: str | None = None,
    port: int | None = None,
    workers: int | None = None,
    threads: int | None = None,
    access_log: str | None = None,
    cores: int | None = None,
) -> ServeOptions:
    """The serving options: an argument wins over the environment (HOST, PORT, WEB_WORKERS,
    WEB_THREADS), which wins over the machine's defaults."""
    return ServeOptions(
        host=host or environ.get("HOST") or DEFAULT_HOST,
        port=int(port or environ.get("PORT") or DEFAULT_PORT),
        workers=int(workers or environ.get("WEB_WORKERS") or default_workers(cores)),
        threads=int(threads or environ.get("WEB_THREADS") or THREADS_PER_WORKER),
        access_log=access_log,
    )


def gunicorn_settings(options: ServeOptions) -> dict[str, object]:
    settings: dict[str, object] = {
        "bind": [f"{options.host}:{options.port}"],
        "workers": options.workers,
        "threads": options.threads,
        "worker_class": "gthread",
        "timeout": options.timeout,
        "graceful_timeout": 30,
        "keepalive": 5,
        # The service runs behind the NHS's load balancer, which sets X-Forwarded-Proto
        # (settings.SECURE_PROXY_SSL_HEADER); only a proxy on the same host is trusted by default.
        "forwarded_allow_ips": django_settings.FORWARDED_ALLOW_IPS,
        # Gunicorn's control socket is a file in the user's home shared by every instance on
        # the host; the service does not use it.
        "control_socket_disable": True,
        "errorlog": "-",
        "proc_name": "perinatal-web",
    }
    if options.access_log:
        settings["accesslog"] = options.access_log
    return settings


def serve(application, options: ServeOptions) -> None:
    """Run gunicorn in this process until it is stopped (SIGTERM or Ctrl+C)."""
    from gunicorn.app.base import BaseApplication

    class _Gunicorn(BaseApplication):
        def load_config(self):
            for key, value in gunicorn_settings(options).items():
                self.cfg.set(key, value)

        def load(self):
            return application

    # Imported by the master before it forks, so each worker shares it instead of importing
    # scipy.stats (~0.7–3 s, ~70 MB) on its first interval or funnel limit; commands, which
    # mostly need none, still import it only when they compute one (perinatal.stats.lazy).
    scipy_stats()
    _Gunicorn().run()

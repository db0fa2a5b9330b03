"""`perinatal serve`: the production WSGI server (gunicorn) serves the pages, the API and the
static files itself, with DEBUG off as in production (docs/adr/0023-production-serving.md)."""

from __future__ import annotations

import re
import subprocess
import urllib.error
import urllib.request

import pytest

from perinatal.web import serving
from tests import processes

BODIES = ("MBRRACE_UK", "MNSI", "NHSR_EN")
PRODUCTION = {
    "PERINATAL_ENV": "production",
    "SECRET_KEY": "a-test-secret-key-of-fifty-characters-for-production",
    "SECURE_SSL_REDIRECT": "0",
    "SERVICE_BASE_URL": "https://perinatal.example.nhs.uk",
    # Production also refuses to start without each national body's HTTPS endpoint and secret.
    **{f"NOTIFICATION_ENDPOINT_{body}": f"https://{body.lower()}.example.nhs.uk/" for body in BODIES},
    **{f"NOTIFICATION_SECRET_{body}": f"secret-{body}" for body in BODIES},
}


def _get(url: str):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def production_server(tmp_path):
    port = processes.free_port()
    env = processes.service_env(
        database_url=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        port=port,
        STATIC_ROOT=str(tmp_path / "static"),
        **PRODUCTION,
    )
    env["DJANGO_DEBUG"] = "1"  # ignored in production: DEBUG stays off
    processes.manage(env, "migrate", "--verbosity", "0")
    log_path = tmp_path / "server.log"
    with open(log_path, "w") as log:
        server = processes.start_server(env, port, log, workers=2)
        try:
            processes.wait_until_healthy(f"http://127.0.0.1:{port}", log_path=log_path, processes=[server])
            yield f"http://127.0.0.1:{port}", log_path
        finally:
            processes.stop(server)


def test_serve_runs_gunicorn_workers_and_serves_every_static_file_a_page_links_with_debug_off(production_server):
    base, log_path = production_server
    status, headers, body = _get(base + "/sign-in/")
    assert status == 200 and headers["Server"] == "gunicorn"
    assert log_path.read_text().count("Booting worker") == 2
    linked = re.findall(r'(?:href|src)="(/static/[^"]+)"', body.decode())
    assert any(path.endswith(".css") for path in linked) and any(path.endswith(".js") for path in linked)
    for path in linked + ["/static/nhsuk/assets/images/nhsuk-icon-180.png"]:
        status, headers, _ = _get(base + path)
        assert status == 200, path
    # A missing file is a 404, and DEBUG is off: not Django's debug page listing the URLs.
    status, _, body = _get(base + "/static/nhsuk/no-such-file.css")
    assert status == 404 and b"URLconf" not in body


def test_serve_sizes_itself_to_the_machine_unless_told():
    assert serving.default_workers(cores=2) == 5
    assert serving.default_workers(cores=64) == serving.MAX_WORKERS
    options = serving.options_from({"HOST": "0.0.0.0", "PORT": "9000", "WEB_WORKERS": "3"}, threads=8, cores=2)
    assert (options.host, options.port, options.workers, options.threads) == ("0.0.0.0", 9000, 3, 8)
    options = serving.options_from({}, cores=1)
    assert (options.host, options.port, options.workers, options.threads) == ("127.0.0.1", 8000, 3, 4)
    settings = serving.gunicorn_settings(options)
    assert settings["worker_class"] == "gthread" and settings["bind"] == ["127.0.0.1:8000"]


def test_serve_refuses_to_start_in_production_with_links_to_the_loopback_address(tmp_path):
    env = processes.service_env(
        database_url=f"sqlite:///{tmp_path / 'serve.sqlite3'}", port=8000, **{**PRODUCTION, "SERVICE_BASE_URL": ""}
    )
    env.pop("SERVICE_BASE_URL")
    done = subprocess.run(
        [str(processes.PERINATAL), "serve", "--port", "1"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0 and "perinatal.E002" in done.stderr and "SERVICE_BASE_URL" in done.stderr


def test_serve_imports_scipy_stats_in_the_master_before_the_workers_fork(monkeypatch):
    from gunicorn.app.base import BaseApplication

    from perinatal.stats import lazy

    loaded_at_run = []

    def run(self):
        loaded_at_run.append(lazy.scipy_stats.cache_info().currsize)

    monkeypatch.setattr(BaseApplication, "run", run)
    lazy.scipy_stats.cache_clear()
    serving.serve(object(), serving.options_from({}, cores=1))
    assert loaded_at_run == [1]

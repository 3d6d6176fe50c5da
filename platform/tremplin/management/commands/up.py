"""`manage.py up [--demo] [--port 8000]`: migrate, seed, then run web + worker + beat.

Ctrl-C stops the three processes and, if this command started them, the embedded PostgreSQL
and Redis too. Nothing is left running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from tenants import provisioning
from tremplin import devstack


class Command(BaseCommand):
    help = "Run Tremplin locally: migrations, optional demo data, web + Celery worker + beat."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--demo", action="store_true", help="Onboard the demo cities.")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--bind", default="127.0.0.1")

    def handle(self, *args, **options) -> None:
        self.children: list[subprocess.Popen] = []
        signal.signal(signal.SIGTERM, self._on_sigterm)
        try:
            self._prepare(demo=options["demo"])
            self._run(port=options["port"], bind=options["bind"])
        except KeyboardInterrupt:
            self.stdout.write("\nStopping…")
        finally:
            # manage.py releases the embedded servers at exit (stopping them if last user).
            self._stop_children()

    def _on_sigterm(self, signum, frame) -> None:
        raise KeyboardInterrupt

    def _prepare(self, *, demo: bool) -> None:
        self.stdout.write("Migrating the public schema…")
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        if provisioning.ensure_template():
            self.stdout.write("Built the city template schema.")
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)
        provisioning.spare_pool_refill()
        self.lines = []
        if demo:
            from tremplin.demo import demo_seed

            self.stdout.write("Onboarding the demo cities…")
            self.lines = demo_seed()

    def _spawn(self, *command: str) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        # Own session: Ctrl-C reaches only this command, which stops the children in order.
        self.children.append(subprocess.Popen(command, env=env, start_new_session=True))

    def _run(self, *, port: int, bind: str) -> None:
        python = sys.executable
        manage = str(devstack.REPO_ROOT / "manage.py")
        self._spawn(python, manage, "runserver", f"{bind}:{port}", "--noreload")
        celery = [python, "-m", "celery", "-A", "tremplin.celery:app"]
        self._spawn(*celery, "worker", "--loglevel", "INFO", "--concurrency", "2")
        schedule = devstack.EmbeddedStack().var_dir / "celerybeat-schedule"
        self._spawn(*celery, "beat", "--loglevel", "INFO", "--schedule", str(schedule))
        self._wait_for_web(port)
        base = settings.TREMPLIN_BASE_DOMAIN
        self.stdout.write(self.style.SUCCESS(f"\nTremplin is up: http://{base}:{port}/"))
        for line in self.lines:
            self.stdout.write(f"  {line}")
        self.stdout.write("Press Ctrl-C to stop.\n")
        while True:
            for child in self.children:
                if child.poll() is not None:
                    self.stderr.write(f"{child.args[2:5]} exited with {child.returncode}.")
                    return
            time.sleep(0.5)

    def _wait_for_web(self, port: int) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.3)

    def _stop_children(self) -> None:
        for child in self.children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 15
        for child in self.children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()

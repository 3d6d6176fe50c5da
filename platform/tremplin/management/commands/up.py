"""`manage.py up [--demo] [--port 8000]`: migrate, seed, then run web + worker + beat.

Whatever the last run left (it crashed, was killed, a server died under it) does not stop
this one: children a killed `up` left running are stopped, the embedded servers cope with
stale pid files (tremplin.devstack), cities whose onboarding stopped half-way are resumed,
and only the schemas that exist are migrated.

While running, a child that dies is restarted with a back-off (tremplin.supervisor), and an
embedded PostgreSQL or Redis that dies is started again on its port. Ctrl-C or SIGTERM, once
or many times, stops every child (and its process group), then the embedded servers if this
command started them. Nothing is left running.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import socket
import sys
import time
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from tenants import provisioning
from tenants.fleet import FleetLocked, migrate_fleet
from tenants.services import city_provisioning_resume_stalled
from tremplin import devstack, mailsink
from tremplin.supervisor import Supervisor, stop_leftovers

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# How often the embedded servers are checked (and started again if they died).
SERVERS_CHECK_SECONDS = 2.0


class Command(BaseCommand):
    help = "Run Tremplin locally: migrations, optional demo data, web + Celery worker + beat."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--demo", action="store_true", help="Onboard the demo cities.")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--bind", default="127.0.0.1")

    def handle(self, *args, **options) -> None:
        self.stopping = False
        self.preparing = True
        self.mail_sink: mailsink.MailSink | None = None
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._on_signal)
        var_dir = devstack.EmbeddedStack().var_dir
        self.supervisor = Supervisor(state_file=var_dir / "up.children", log=self._say)
        with self._single_instance(var_dir):
            try:
                stop_leftovers(var_dir / "up.children", self._say)
                self._check_port(options["bind"], options["port"])
                self._links_on_port(options["port"])
                if options["demo"]:
                    self._start_mailbox(var_dir)
                self._prepare(demo=options["demo"])
                self.preparing = False
                if not self.stopping:
                    self._run(port=options["port"], bind=options["bind"], var_dir=var_dir)
            except KeyboardInterrupt:
                pass
            finally:
                self.preparing = False
                self.stopping = True
                # Every child before the embedded servers: manage.py releases those at exit.
                self.supervisor.stop()
                if self.mail_sink is not None:
                    self.mail_sink.stop()
                self._say("up: every process stopped.")

    def _on_signal(self, signum, frame) -> None:
        name = signal.Signals(signum).name
        if self.stopping:
            self._say(f"up: {name} again, still stopping (nothing is interrupted).")
            return
        self.stopping = True
        self._say(f"\nup: {name} received, stopping…")
        if self.preparing:  # migrations or seeding: nothing to wait for, stop right here
            raise KeyboardInterrupt

    def _say(self, line: str) -> None:
        self.stderr.write(line)
        self.stderr.flush()

    @contextlib.contextmanager
    def _single_instance(self, var_dir):
        """One `up` per var directory: a second one would share the beat schedule and fight
        over the leftovers. The lock goes with the process, however it ends."""
        var_dir.mkdir(parents=True, exist_ok=True)
        with open(var_dir / "up.lock", "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                raise CommandError(
                    f"Another `manage.py up` (pid {handle.read().strip() or '?'}) uses "
                    f"{var_dir}; stop it first."
                ) from None
            handle.truncate(0)
            handle.write(str(os.getpid()))
            handle.flush()
            yield

    def _check_port(self, bind: str, port: int) -> None:
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is fine
            try:
                sock.bind((bind, port))
            except OSError:
                raise CommandError(
                    f"Port {port} is in use by another program; choose another with --port "
                    "(make demo PORT=8001)."
                ) from None

    def _links_on_port(self, port: int) -> None:
        """Links written by this process and its children (e-mails, API `url` fields, printed
        URLs) carry the port the web server listens on, unless the environment names the
        port links must carry (a proxy in front)."""
        if os.environ.get("TREMPLIN_URL_PORT") or os.environ.get("TREMPLIN_BASE_URL"):
            return
        os.environ["TREMPLIN_URL_PORT"] = settings.TREMPLIN_URL_PORT = str(port)

    def _start_mailbox(self, var_dir) -> None:
        """The demo's SMTP sink (tremplin.mailsink): this process and its children send their
        mail there, read at /_dev/mail/ on the platform's host."""
        self.mail_sink = mailsink.mail_sink_start(var_dir)
        os.environ.update(self.mail_sink.environment())
        for name, value in self.mail_sink.settings().items():
            setattr(settings, name, value)

    def _prepare(self, *, demo: bool) -> None:
        self.stdout.write("Migrating the public schema…")
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        if provisioning.ensure_template():
            self.stdout.write("Built the city template schema.")
        self._migrate_cities()
        # Nothing else runs yet: every onboarding still under way was cut off by the last stop.
        for slug, status in city_provisioning_resume_stalled(older_than=timedelta(0)).items():
            self.stdout.write(f"Resumed the onboarding of {slug}: {status}.")
        provisioning.spare_pool_refill()
        self.lines = []
        if demo:
            from tremplin.demo import demo_seed

            self.stdout.write("Onboarding the demo cities…")
            self.lines = demo_seed()

    def _migrate_cities(self) -> None:
        """The schemas that exist (a city whose onboarding was cut off has none yet)."""
        try:
            report = migrate_fleet()
        except FleetLocked as exc:
            raise CommandError(str(exc)) from exc
        for outcome in report.failed:
            self._say(f"up: migrating {outcome.schema} failed: {outcome.error}")

    def _run(self, *, port: int, bind: str, var_dir) -> None:
        python = sys.executable
        manage = str(devstack.REPO_ROOT / "manage.py")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        start = self.supervisor.start
        start("web", python, manage, "runserver", f"{bind}:{port}", "--noreload", env=env)
        celery = [python, "-m", "celery", "-A", "tremplin.celery:app"]
        start("worker", *celery, "worker", "--loglevel", "INFO", "--concurrency", "2", env=env)
        schedule = str(var_dir / "celerybeat-schedule")
        start("beat", *celery, "beat", "--loglevel", "INFO", "--schedule", schedule, env=env)
        if not self._wait_for_web(port):
            return
        base = settings.TREMPLIN_BASE_DOMAIN
        self.stdout.write(self.style.SUCCESS(f"\nTremplin is up: http://{base}:{port}/"))
        for line in self.lines:
            self.stdout.write(f"  {line}")
        self.stdout.write("Press Ctrl-C to stop.\n")
        self.stdout.flush()
        stack = devstack.exported_stack()
        servers_checked = time.monotonic()
        while not self.stopping:
            self.supervisor.check()
            if stack is not None and time.monotonic() - servers_checked >= SERVERS_CHECK_SECONDS:
                self._revive_servers(stack)
                servers_checked = time.monotonic()
            time.sleep(0.2)

    def _revive_servers(self, stack: devstack.EmbeddedStack) -> None:
        try:
            revived = stack.revive()
        except devstack.DevStackError as exc:
            self._say(f"up: an embedded server is down and did not start again: {exc}")
            return
        for name in revived:
            self._say(f"up: the embedded {name} had stopped; started again on its port.")

    def _wait_for_web(self, port: int) -> bool:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not self.stopping:
            self.supervisor.check()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    return True
            except OSError:
                time.sleep(0.3)
        return not self.stopping

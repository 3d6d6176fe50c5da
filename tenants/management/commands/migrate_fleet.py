"""`manage.py migrate_fleet [--parallel N]`: migrate every city schema and the template."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tenants.fleet import FAILED, FleetLocked, SchemaOutcome, default_parallel, migrate_fleet


class Command(BaseCommand):
    help = (
        "Apply pending tenant migrations to every city schema and the onboarding template, "
        "in parallel; one failing city never stops the others; safe to re-run."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--parallel",
            type=int,
            default=default_parallel(),
            help="Worker processes (default: number of CPUs).",
        )

    def handle(self, *args, **options) -> None:
        if options["parallel"] < 1:
            raise CommandError("--parallel must be at least 1.")
        verbose = options["verbosity"] >= 1

        def show(outcome: SchemaOutcome) -> None:
            if outcome.status == FAILED:
                self.stderr.write(f"FAILED   {outcome.schema}: {outcome.error}")
            elif verbose:
                self.stdout.write(
                    f"migrated {outcome.schema}: {len(outcome.applied)} migration(s) "
                    f"in {outcome.seconds:.2f} s"
                )

        try:
            report = migrate_fleet(parallel=options["parallel"], on_outcome=show)
        except FleetLocked as exc:
            raise CommandError(str(exc)) from exc
        summary = (
            f"{report.checked} schemas checked: {len(report.migrated)} migrated, "
            f"{len(report.up_to_date)} up to date, {len(report.failed)} failed "
            f"({report.seconds:.1f} s)."
        )
        if report.failed:
            self.stdout.write(summary)
            for outcome in report.failed:
                self.stdout.write(f"  failed {outcome.schema}: {outcome.error}")
            names = ", ".join(o.schema for o in report.failed)
            raise CommandError(
                f"{len(report.failed)} schema(s) failed: {names}. Fix them and run "
                "migrate_fleet again: migrated schemas are skipped."
            )
        self.stdout.write(self.style.SUCCESS(summary))

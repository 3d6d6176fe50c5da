"""Recompute the diagnostic's aggregates from the raw events kept (13 months at most)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from kernel.clock import local_today

from tenants.crosscity import run_in_each_city
from tenants.models import City, CityStatus


class Command(BaseCommand):
    help = (
        "Rebuild daily, weekly and monthly aggregates, today's population snapshot and "
        "today's non-recours."
    )

    def add_arguments(self, parser):
        parser.add_argument("--city", help="slug of one city (default: every active city)")
        parser.add_argument("--from", dest="date_from", help="first day, YYYY-MM-DD")

    def handle(self, *args, city=None, date_from=None, **options):
        today = local_today()
        start = None
        if date_from:
            try:
                start = date.fromisoformat(date_from)
            except ValueError as exc:
                raise CommandError(
                    f"--from must be a date (YYYY-MM-DD), not {date_from!r}."
                ) from exc
            if start > today:
                raise CommandError("--from is in the future.")
        if city and not City.objects.filter(slug=city).exists():
            raise CommandError(f"Unknown city: {city!r}.")
        report = run_in_each_city(
            lambda current: self._backfill(current, start=start, today=today),
            label="analytics backfill",
            slugs=[city] if city else None,
            statuses=None if city else (CityStatus.ACTIVE,),  # a city named: whatever its state
        )
        for outcome in report.failed:
            self.stderr.write(f"{outcome.city}: failed ({outcome.error!r}), rolled back.")
        if not report.ok:
            raise CommandError(report.summary())

    def _backfill(self, current: City, *, start: date | None, today: date) -> None:
        """Every day, week and month from `start` (or the oldest event) to today, in `current`'s
        schema; then today's snapshots (population, non-recours)."""
        from tenant_apps.analytics import nonrecours, rollups
        from tenant_apps.analytics.models import Event, Period
        from tenant_apps.analytics.tasks import city_rollup

        first = start
        if first is None:
            oldest = Event.objects.order_by("at").values_list("at", flat=True).first()
            first = timezone.localtime(oldest).date() if oldest else today
        days = months = weeks = 0
        day = first
        seen_weeks, seen_months = set(), set()
        while day <= today:
            rollups.rollup_period(period=Period.DAY, day=day)
            days += 1
            week = rollups.period_bounds(Period.WEEK, day)[0]
            month = day.replace(day=1)
            if week not in seen_weeks:
                seen_weeks.add(week)
                rollups.rollup_period(period=Period.WEEK, day=day)
                weeks += 1
            if month not in seen_months:
                seen_months.add(month)
                rollups.rollup_period(period=Period.MONTH, day=day)
                months += 1
            day += timedelta(days=1)
        city_rollup(city=current, day=today, snapshot=True)
        nonrecours.nonrecours_snapshot_take(city=current, day=today)
        self.stdout.write(
            f"{current.slug}: {days} days, {weeks} weeks, {months} months from {first}."
        )

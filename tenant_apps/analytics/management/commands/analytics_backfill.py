"""Recompute the diagnostic's aggregates from the raw events kept (13 months at most)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tenants.context import dangerously_all_cities, in_city
from tenants.models import City


class Command(BaseCommand):
    help = "Rebuild daily, weekly and monthly aggregates and today's population snapshot."

    def add_arguments(self, parser):
        parser.add_argument("--city", help="slug of one city (default: every active city)")
        parser.add_argument("--from", dest="date_from", help="first day, YYYY-MM-DD")

    def handle(self, *args, city=None, date_from=None, **options):
        from tenant_apps.analytics import rollups
        from tenant_apps.analytics.models import Event, Period
        from tenant_apps.analytics.tasks import city_rollup

        today = timezone.localdate()
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
        for current in self._cities(city):
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
            self.stdout.write(
                f"{current.slug}: {days} days, {weeks} weeks, {months} months from {first}."
            )

    def _cities(self, slug: str | None):
        if not slug:
            yield from dangerously_all_cities()
            return
        city = City.objects.filter(slug=slug).first()
        if city is None:
            raise CommandError(f"Unknown city: {slug!r}.")
        with in_city(city):
            yield city

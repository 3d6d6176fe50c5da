"""Events from iCalendar (.ics) and OpenAgenda JSON into the current city's catalogue."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from icalendar import Calendar

from ..models import Offer, OfferStatus
from .base import ImportReport, Progress, RecordRejected, Upserter
from .datainclusion import short


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, date):
        return timezone.make_aware(datetime.combine(value, time.min))
    raise RecordRejected(f"date illisible : {value!r}")


def _event_fields(
    *, title: str, starts_at, ends_at, description: str, publish: bool, **extra
) -> dict:
    if not title:
        raise RecordRejected("titre manquant")
    if starts_at is None:
        raise RecordRejected("date de début manquante")
    return {
        "kind": "evenement",
        "title": title[:200],
        "summary": short(description),
        "body": description,
        "starts_at": starts_at,
        "ends_at": ends_at if ends_at and ends_at >= starts_at else None,
        "status": OfferStatus.PUBLISHED if publish else OfferStatus.DRAFT,
        **extra,
    }


def import_ics(
    *, data: bytes, publish: bool = False, progress: Progress | None = None
) -> ImportReport:
    report = ImportReport()
    try:
        calendar = Calendar.from_ical(data)
    except (ValueError, IndexError) as exc:
        report.reject("fichier", f"iCalendar illisible : {exc}")
        return report
    events = calendar.walk("VEVENT")
    upsert = Upserter(Offer, "ics")
    for index, event in enumerate(events, start=1):
        uid = str(event.get("uid") or "").strip()
        name = f"événement {index}" + (f" ({uid})" if uid else "")
        try:
            if not uid:
                raise RecordRejected("UID manquant (impossible de reconnaître l'événement)")
            start = event.get("dtstart")
            end = event.get("dtend")
            geo = event.get("geo")
            fields = _event_fields(
                title=str(event.get("summary") or "").strip(),
                starts_at=_aware(start.dt) if start else None,
                ends_at=_aware(end.dt) if end else None,
                description=str(event.get("description") or "").strip(),
                publish=publish,
                address=str(event.get("location") or "").strip()[:255],
                apply_url=str(event.get("url") or "").strip()[:500],
                latitude=float(geo.latitude) if geo else None,
                longitude=float(geo.longitude) if geo else None,
            )
        except (RecordRejected, ValueError, TypeError) as exc:
            report.reject(name, str(exc))
            continue
        upsert(report, name, uid[:200], fields)
        if progress:
            progress(index, len(events))
    return report


def _fr(value: Any) -> str:
    """OpenAgenda multilingual fields: {"fr": "..."} or a plain string."""
    if isinstance(value, dict):
        value = value.get("fr") or next(iter(value.values()), "")
    return str(value or "").strip()


def _parse_dt(value: Any) -> datetime | None:
    if not value:
        return None
    parsed = parse_datetime(str(value))
    if parsed is None:
        raise RecordRejected(f"date illisible : {value!r}")
    return _aware(parsed)


def import_openagenda(
    *, data: bytes, publish: bool = False, progress: Progress | None = None
) -> ImportReport:
    report = ImportReport()
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        report.reject("fichier", f"JSON illisible : {exc}")
        return report
    events = document.get("events", []) if isinstance(document, dict) else document
    if not isinstance(events, list):
        report.reject("fichier", "aucune liste « events » dans le fichier")
        return report
    upsert = Upserter(Offer, "openagenda")
    for index, event in enumerate(events, start=1):
        uid = str(event.get("uid") or "").strip() if isinstance(event, dict) else ""
        name = f"événement {index}" + (f" ({uid})" if uid else "")
        try:
            if not isinstance(event, dict):
                raise RecordRejected("un événement doit être un objet JSON")
            if not uid:
                raise RecordRejected("uid manquant")
            timings = [t for t in event.get("timings") or [] if isinstance(t, dict)]
            starts = [_parse_dt(t.get("begin")) for t in timings]
            ends = [_parse_dt(t.get("end")) for t in timings]
            location = event.get("location") if isinstance(event.get("location"), dict) else {}
            conditions = _fr(event.get("conditions")).lower()
            description = _fr(event.get("longDescription")) or _fr(event.get("description"))
            lat, lon = location.get("latitude"), location.get("longitude")
            fields = _event_fields(
                title=_fr(event.get("title")),
                starts_at=min((s for s in starts if s), default=None),
                ends_at=max((e for e in ends if e), default=None),
                description=description,
                publish=publish,
                address=", ".join(
                    p for p in (_fr(location.get("name")), _fr(location.get("address"))) if p
                )[:255],
                postal_code=str(location.get("postalCode") or "")[:5],
                commune_insee=str(location.get("insee") or "")[:5],
                latitude=float(lat) if lat is not None else None,
                longitude=float(lon) if lon is not None else None,
                is_free=not conditions or "gratuit" in conditions or "libre" in conditions,
                apply_url=str(event.get("canonicalUrl") or "")[:500],
            )
        except (RecordRejected, ValueError, TypeError) as exc:
            report.reject(name, str(exc))
            continue
        upsert(report, name, uid[:200], fields)
        if progress:
            progress(index, len(events))
    return report

"""Events from iCalendar (.ics) and OpenAgenda JSON into the current city's catalogue.

A dated offer has one start and one end, so a recurring iCalendar event (RRULE, RDATE, EXDATE,
moved occurrences) becomes one offer per occurrence over the next 90 days, expanded by the
`recurring-ical-events` package; each occurrence is known by the event's UID and its
RECURRENCE-ID (its original start), so importing the file again updates it in place.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import recurring_ical_events
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from icalendar import Calendar
from kernel.clock import local_today

from ..models import Offer, OfferStatus
from .base import MAX_DEPTH, ImportReport, Progress, RecordRejected, Upserter, too_deep, unreadable
from .datainclusion import json_document, short

HORIZON_DAYS = 90  # recurring events are expanded this far ahead
MAX_OCCURRENCES = 200  # more than this within the horizon is not an offer people attend
# Properties an event has at most once (RFC 5545 §3.6.1); twice is ambiguous, so rejected.
SINGLE = {"dtstart": "date de début", "dtend": "date de fin", "summary": "titre",
          "description": "description", "location": "lieu", "url": "lien", "geo": "position",
          "uid": "UID", "duration": "durée", "recurrence-id": "RECURRENCE-ID"}  # fmt: skip


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


def _single(event, name: str):
    value = event.get(name)
    if isinstance(value, list):
        raise RecordRejected(
            f"{SINGLE[name]} ({name.upper()}) donnée {len(value)} fois : impossible de savoir "
            "laquelle garder"
        )
    return value


def _moment(event, name: str) -> datetime | None:
    prop = event.get(name)
    if prop is None:
        return None
    try:
        value = prop.dt
    except Exception as exc:  # a value icalendar could not read (kept as a broken property)
        raise RecordRejected(f"{SINGLE[name]} ({name.upper()}) illisible") from exc
    return _aware(value)


def _position(event) -> tuple[float | None, float | None]:
    geo = event.get("geo")
    if geo is None:
        return None, None
    try:
        return float(geo.latitude), float(geo.longitude)
    except Exception as exc:
        raise RecordRejected("position (GEO) illisible : deux nombres attendus") from exc


def _ics_fields(event, *, publish: bool) -> dict:
    for name in SINGLE:
        _single(event, name)
    latitude, longitude = _position(event)
    return _event_fields(
        title=str(event.get("summary") or "").strip(),
        starts_at=_moment(event, "dtstart"),
        ends_at=_moment(event, "dtend"),
        description=str(event.get("description") or "").strip(),
        publish=publish,
        address=str(event.get("location") or "").strip()[:255],
        apply_url=str(event.get("url") or "").strip()[:500],
        latitude=latitude,
        longitude=longitude,
    )


def _recurs(event) -> bool:
    return bool(event.get("rrule") or event.get("rdate"))


def _check_frequency(event) -> None:
    """Refuse rules that repeat within the hour before expanding them: they are not events
    people attend, and a rule such as FREQ=SECONDLY would give millions of dates."""
    rules = event.get("rrule")
    for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
        if not isinstance(rule, dict):
            continue  # a rule icalendar could not read: the expansion says it is illisible
        frequency = str((rule.get("FREQ") or [""])[0]).upper()
        per_day = 1
        for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
            per_day *= max(len(rule.get(part) or []), 1)
        if frequency in ("SECONDLY", "MINUTELY", "HOURLY") or per_day > 24:
            raise RecordRejected(
                "répétition trop fréquente (plus d'une fois par heure) : ce n'est pas un "
                "événement à l'agenda"
            )


def _occurrences(calendar: Calendar, uid: str, components: list, today: date) -> list:
    """The occurrences of one recurring event from `today` to the horizon, each a VEVENT with
    its own DTSTART/DTEND and RECURRENCE-ID."""
    alone = Calendar()
    for timezone_component in calendar.walk("VTIMEZONE"):
        alone.add_component(timezone_component)
    for component in components:
        alone.add_component(component)
    window_start = timezone.make_aware(datetime.combine(today, time.min))
    window_end = window_start + timedelta(days=HORIZON_DAYS)
    for component in components:
        _check_frequency(component)
    try:
        query = recurring_ical_events.of(alone, components=["VEVENT"])
        found = query.between(window_start, window_end)
    except Exception as exc:  # the package's errors for a rule it cannot follow
        raise RecordRejected("répétition illisible (RRULE, RDATE ou EXDATE)") from exc
    if len(found) > MAX_OCCURRENCES:
        raise RecordRejected(
            f"plus de {MAX_OCCURRENCES} dates dans les {HORIZON_DAYS} prochains jours "
            "(vérifie la règle de répétition)"
        )
    if not found:
        raise RecordRejected(f"aucune date dans les {HORIZON_DAYS} prochains jours")
    return found


def _occurrence_key(uid: str, occurrence) -> str:
    original = occurrence.get("recurrence-id") or occurrence["dtstart"]
    moment = _aware(original.dt).astimezone(UTC)
    return f"{uid[:180]}#{moment:%Y%m%dT%H%M%SZ}"


def import_ics(
    *,
    data: bytes,
    publish: bool = False,
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportReport:
    """Upsert the VEVENTs of an iCalendar file; recurring ones as one offer per occurrence
    from `today` (the city's today by default) over the next HORIZON_DAYS days."""
    report = ImportReport()
    try:
        calendar = Calendar.from_ical(data)
        events = calendar.walk("VEVENT")
    except (ValueError, IndexError, KeyError, TypeError) as exc:  # decoding errors too
        report.reject("fichier", f"iCalendar illisible : {_one_line(exc)}")
        return report
    except RecursionError:
        report.reject("fichier", "iCalendar illisible : composants imbriqués trop profondément")
        return report
    today = today or local_today()
    by_uid: dict[str, list] = {}
    for event in events:
        uid = event.get("uid")
        if isinstance(uid, str | bytes) and str(uid).strip():
            by_uid.setdefault(str(uid).strip(), []).append(event)
    upsert = Upserter(Offer, "ics")
    for index, event in enumerate(events, start=1):
        raw_uid = event.get("uid")
        uid = str(raw_uid or "").strip() if not isinstance(raw_uid, list) else ""
        name = f"événement {index}" + (f" ({uid})" if uid else "")
        siblings = by_uid.get(uid, [])
        try:
            if isinstance(raw_uid, list):
                raise RecordRejected(
                    "UID donné plusieurs fois (impossible de reconnaître l'événement)"
                )
            if not uid:
                raise RecordRejected("UID manquant (impossible de reconnaître l'événement)")
            if event.get("recurrence-id") is not None and any(_recurs(e) for e in siblings):
                continue  # a moved occurrence: expanded with its recurring event
            fields = _ics_fields(event, publish=publish)
            if not _recurs(event):
                upsert(report, name, uid[:200], fields)
            else:
                for occurrence in _occurrences(calendar, uid, siblings, today):
                    when = timezone.localtime(_aware(occurrence["dtstart"].dt))
                    occurrence_name = f"{name} le {when:%d/%m/%Y %H:%M}"
                    try:
                        occurrence_fields = _ics_fields(occurrence, publish=publish)
                    except RecordRejected as exc:
                        report.reject(occurrence_name, str(exc))
                        continue
                    upsert(
                        report, occurrence_name, _occurrence_key(uid, occurrence), occurrence_fields
                    )
        except (RecordRejected, ValueError, TypeError) as exc:
            report.reject(name, str(exc))
        except Exception as exc:  # whatever a record holds, the others are imported
            report.reject(name, unreadable(name, exc))
        if progress:
            progress(index, len(events))
    return report


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else exc.__class__.__name__


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
        document = json_document(data)
    except RecordRejected as exc:
        report.reject("fichier", str(exc))
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
            if too_deep(event):
                raise RecordRejected(f"événement trop imbriqué (plus de {MAX_DEPTH} niveaux)")
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
        except Exception as exc:  # whatever a record holds, the others are imported
            report.reject(name, unreadable(name, exc))
            continue
        upsert(report, name, uid[:200], fields)
        if progress:
            progress(index, len(events))
    return report

"""Demo catalogue of a city, drawn from demo_library.py: its structures at real places of the
commune and the offers they publish, dated relative to today and in season.

Places come from the references: the city centre and the priority neighbourhoods of the
commune (QPV centroids, shared_apps.geo), each structure a small deterministic offset away, so
no two share a point. Everything is seeded by the city's slug: the same city gets the same
catalogue, two cities different ones. Idempotent: rows are upserted by (source="demo",
external_id), and demo rows the library no longer yields (an offer out of season) are removed.

booklet_demo_seed gives the Mission locale (the structure with room for « Préparer un permis »)
its welcome booklet: an illustration with its text alternative and a generated 360° panorama
(kernel.illustrations; WebP, as uploads are re-encoded), once; files go to MEDIA_ROOT like the
stories' illustrations.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone
from kernel.clock import local_today
from kernel.illustrations import panorama_webp, place_photo_webp

from shared_apps.geo.communes import commune_get
from shared_apps.geo.qpv import qpv_for_commune

from .demo_library import STRUCTURES, TEMPLATES, OfferTemplate, StructureKind
from .importers.base import ImportReport, Upserter
from .models import Offer, OfferStatus, Structure, StructurePhoto, StructureService

SOURCE = "demo"
# Town halls of the demo cities (WGS84): the "centre-ville" of each. Other cities fall back on
# the mean of their priority neighbourhoods' centroids.
CENTRES = {"91286": (48.6536, 2.3930), "92036": (48.9256, 2.2955), "93053": (48.8917, 2.4594)}
# Structures stand this far (degrees, ~250 m) around their place at most.
OFFSET = 0.0025
# Dated offers start within this many days of their first possible day.
SPREAD_DAYS = 45
FIXTURE_AIDES = Path(__file__).resolve().parent / "data" / "demo_aides"


@dataclass(frozen=True)
class Place:
    name: str  # "centre-ville" or a neighbourhood's label
    latitude: float
    longitude: float
    is_qpv: bool

    @property
    def quartier(self) -> str:
        return self.name if not self.is_qpv else f"quartier {self.name}"


def _clean_label(label: str) -> str:
    # The reference spells one neighbourhood of Gennevilliers with three l's.
    return label.replace("lll", "ll")


def city_places(insee: str) -> tuple[Place, list[Place]]:
    """The centre of the commune and its own priority neighbourhoods (QPV lying in this
    commune only: the centroid of one shared with neighbours may be outside it)."""
    own = [q for q in qpv_for_commune(insee) if q.communes == (insee,)]
    qpvs = [Place(_clean_label(q.label), q.lat, q.lon, True) for q in own]
    if insee in CENTRES:
        lat, lon = CENTRES[insee]
    elif qpvs:
        lat = sum(p.latitude for p in qpvs) / len(qpvs)
        lon = sum(p.longitude for p in qpvs) / len(qpvs)
    else:
        lat, lon = 46.6, 2.4  # somewhere in France: no reference gives this commune a point
    return Place("centre-ville", lat, lon, False), qpvs


def _place_of(kind: StructureKind, centre: Place, qpvs: list[Place]) -> Place:
    if kind.place == "centre" or not qpvs:
        return centre
    return qpvs[int(kind.place.split(":")[1]) % len(qpvs)]


@dataclass(frozen=True)
class SeededStructure:
    kind: StructureKind
    place: Place
    row: Structure
    at: str  # "à la médiathèque de Grigny"


def _names(text: str, *, city, place: Place) -> str:
    return text.format(ville=city.name, quartier=place.quartier, nom=place.name)


def structures_seed(city, report: ImportReport) -> dict[str, SeededStructure]:
    """The city's structures, each at its own point; key → structure."""
    centre, qpvs = city_places(city.insee)
    commune = commune_get(city.insee)
    postcode = (commune.postal_codes[0] if commune and commune.postal_codes else "") or (
        (city.postal_codes or [""])[0]
    )
    rng = random.Random(f"structures:{city.slug}")  # noqa: S311 - demo data
    upsert = Upserter(Structure, SOURCE, search=False)
    seeded = {}
    for kind in STRUCTURES:
        place = _place_of(kind, centre, qpvs)
        # Pages show the commune next to the address (and the postcode has its own field).
        where = "Centre-ville" if not place.is_qpv else f"Quartier {place.name}"
        fields = {
            "name": _names(kind.name, city=city, place=place),
            "typology": kind.typology,
            "description": kind.description,
            "address": where,
            "commune": commune.name if commune else city.name,
            "commune_insee": city.insee,
            "postal_code": postcode,
            "latitude": round(place.latitude + rng.uniform(-OFFSET, OFFSET), 5),
            "longitude": round(place.longitude + rng.uniform(-OFFSET, OFFSET), 5),
            "opening_hours": kind.hours,
            "email": f"{kind.key}@{city.slug}.demo",
            "places_available": rng.choice([None, 0, 3, 8, 15]),
        }
        upsert(report, fields["name"], kind.key, fields)
        row = Structure.objects.get(source=SOURCE, external_id=kind.key)
        at = _names(kind.at, city=city, place=place)
        seeded[kind.key] = SeededStructure(kind, place, row, at)
    return seeded


# The services demo structures offer (data·inclusion sous-thématiques), with their room:
# (structure key, theme, places, days to the next availability, précisions). « Préparer un
# permis » has one structure with room and one full, so « Où y a-t-il de la place ? » sorts.
SERVICES = (
    ("mission-locale", "mobilite--preparer-un-permis", 6, 7,
     "Aide au permis : code en ligne, heures de conduite financées, avec ton conseiller."),
    ("centre-social", "mobilite--preparer-un-permis", 0, 30,
     "Atelier code de la route le mercredi après-midi (complet ce mois-ci)."),
    ("mission-locale", "mobilite--financer-ma-mobilite", 10, 3,
     "Aides pour le permis, un deux-roues ou un abonnement de transport."),
    ("france-travail", "trouver-un-emploi--convaincre-un-recruteur-en-entretien", 12, 5,
     "Simulation d'entretien avec un recruteur, sur rendez-vous."),
    ("pij", "choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite", 15, 2,
     "Rencontres métiers et stages d'observation."),
    ("mediatheque", "numerique--maitriser-les-fondamentaux-du-numerique", 8, 4,
     "Ateliers numériques : mails, démarches en ligne, bureautique."),
)  # fmt: skip


def services_seed(hosts: dict[str, SeededStructure]) -> int:
    """The demo structures' services with places and a next availability. Idempotent: a
    service already there keeps its figures (partners may have changed them), only a next
    availability that has passed moves ahead again."""
    today = local_today()
    created = 0
    for key, theme, places, days, description in SERVICES:
        if key not in hosts:
            continue
        service, made = StructureService.objects.get_or_create(
            structure=hosts[key].row,
            theme=theme,
            defaults={
                "places_available": places,
                "next_availability": today + timedelta(days=days),
                "description": description,
                "updated_by": "demo",
            },
        )
        created += made
        if not made and service.next_availability and service.next_availability < today:
            service.next_availability = today + timedelta(days=days)
            service.save(update_fields=["next_availability", "updated_at"])
    return created


# The structure whose welcome booklet the demo fills (the one with room for the permis).
BOOKLET_STRUCTURE = "mission-locale"


def booklet_demo_seed(city) -> Structure | None:
    """The Mission locale's welcome booklet: a photo (an illustration, said so in its text
    alternative) and a 360° panorama, each only when it has none (staff may have changed
    them). Runs in the city's schema, after catalogue_demo_seed."""
    structure = Structure.objects.filter(source=SOURCE, external_id=BOOKLET_STRUCTURE).first()
    if structure is None:
        return None
    seed = f"{city.slug}:{BOOKLET_STRUCTURE}"
    if not structure.photos.exists():
        photo = StructurePhoto(
            structure=structure, alt=f"Illustration : les bureaux de la {structure.name}"[:160]
        )
        photo.image.save("photo.webp", ContentFile(place_photo_webp(seed)), save=False)
        photo.save()
    if not structure.panorama:
        structure.panorama.save("panorama.webp", ContentFile(panorama_webp(seed)), save=False)
        structure.save(update_fields=["panorama", "updated_at"])
    return structure


def in_season(template: OfferTemplate, month: int) -> bool:
    return template.months is None or month in template.months


def _start(template: OfferTemplate, rng: random.Random, today: date) -> datetime:
    """A day in the template's season and weekdays, from the day after tomorrow on."""
    days = [
        day
        for day in (today + timedelta(days=n) for n in range(2, 367))
        if in_season(template, day.month) and day.weekday() in template.days
    ]
    if not days:  # no weekday of the season in a year (cannot happen with the library)
        days = [today + timedelta(days=7)]
    window = [d for d in days if d <= days[0] + timedelta(days=SPREAD_DAYS)]
    day = rng.choice(window)
    return timezone.make_aware(datetime.combine(day, time(template.hour)))


def offer_fields(
    template: OfferTemplate,
    host: SeededStructure,
    *,
    city,
    rng: random.Random,
    today: date,
    keep_start: datetime | None = None,
) -> dict:
    """The fields of the offer `template` makes at `host` (the rng draws its date, unless
    `keep_start`: the date it already has)."""
    place = host.place
    title = template.title.format(ville=city.name, quartier=place.quartier, lieu=host.at)
    fields = {
        "kind": template.kind,
        "title": title[:200],
        "summary": template.summary,
        "body": template.body,
        "themes": list(template.themes),
        "structure": host.row,
        "status": OfferStatus.PUBLISHED,
        "age_min": template.age[0],
        "age_max": template.age[1],
        "situations": list(template.situations),
        "qpv_priority": template.qpv_priority,
        "address": host.row.address,
        "commune_insee": city.insee,
        "postal_code": host.row.postal_code,
        "latitude": host.row.latitude,
        "longitude": host.row.longitude,
        "is_free": template.price is None,
        "price_eur": Decimal(template.price) if template.price is not None else None,
        "capacity": template.capacity,
        "contact_email": host.row.email,
        "starts_at": None,
        "ends_at": None,
        "apply_by": None,
        "amount_value": Decimal(template.amount) if template.amount else None,
        "amount_unit": "€" if template.amount else "",
        "periodicity": template.periodicity,
        "institution_name": f"Ville de {city.name}" if template.kind == "aide" else "",
        "institution_type": "commune" if template.kind == "aide" else "",
        "apply_place": f"À l'accueil : {host.row.name}" if template.kind == "aide" else "",
    }
    if template.kind in ("evenement", "formation"):
        starts = _start(template, rng, today)
        if keep_start is not None:
            starts = timezone.localtime(keep_start)  # as drawn: the same fingerprint
        fields["starts_at"] = starts
        fields["ends_at"] = starts + timedelta(minutes=template.minutes)
    if template.apply_within:
        fields["apply_by"] = today + timedelta(days=template.apply_within)
    return fields


def catalogue_demo_seed(city) -> ImportReport:
    """The city's demo structures and 20-odd published offers of every kind, in season,
    events and trainings in the coming weeks and months. Runs in the city's schema."""
    report = ImportReport()
    hosts = structures_seed(city, report)
    today = local_today()
    rng = random.Random(f"offers:{city.slug}")  # noqa: S311 - demo data
    records: dict[str, dict] = {}
    titles: set[str] = set()
    # A dated offer seeded earlier keeps its date while it is still ahead and in season:
    # starting the demo again does not move the events people registered to.
    soon = timezone.now() + timedelta(days=1)
    dated = dict(
        Offer.objects.filter(source=SOURCE, starts_at__gt=soon).values_list(
            "external_id", "starts_at"
        )
    )
    for template in TEMPLATES:
        if template.kind not in ("evenement", "formation") and not in_season(template, today.month):
            continue
        for key in template.hosts:
            external_id = f"{template.kind}:{template.key}:{key}"
            start = dated.get(external_id)
            if start is not None and not in_season(template, timezone.localtime(start).month):
                start = None
            fields = offer_fields(
                template, hosts[key], city=city, rng=rng, today=today, keep_start=start
            )
            if fields["title"] in titles:  # two hosts in the same place: one offer is enough
                continue
            titles.add(fields["title"])
            records[external_id] = fields
    if Offer.objects.filter(source=SOURCE).exists():
        upsert = Upserter(Offer, SOURCE)
        for external_id, fields in records.items():
            upsert(report, fields["title"], external_id, fields)
    else:
        _create_all(report, records)
    Offer.objects.filter(source=SOURCE).exclude(external_id__in=set(records)).delete()
    Structure.objects.filter(source=SOURCE).exclude(external_id__in=set(hosts)).delete()
    services_seed(hosts)
    return report


def _create_all(report: ImportReport, records: dict[str, dict]) -> None:
    """The first seeding: the same rows as the Upserter's (validated, searchable, with the
    fingerprint it compares), in one insert instead of one savepoint each."""
    from django.core.exceptions import ValidationError

    from .importers.base import fingerprint, validation_message
    from .services import offer_refresh_search

    now, rows = timezone.now(), []
    for external_id, fields in records.items():
        offer = Offer(source=SOURCE, external_id=external_id, **fields)
        offer.import_hash = fingerprint(fields)
        offer.published_at = now
        offer_refresh_search(offer)
        try:
            # A fresh source: nothing to collide with; the structure was just saved. Without
            # them, validating costs no query.
            offer.full_clean(exclude=["structure"], validate_unique=False,
                             validate_constraints=False)  # fmt: skip
        except ValidationError as exc:
            report.reject(fields["title"], validation_message(exc))
            continue
        rows.append(offer)
        report.count(fields["title"], "created")
    Offer.objects.bulk_create(rows, batch_size=500)


def template_of(offer: Offer) -> OfferTemplate | None:
    """The library template a demo offer was made from (tests check seasons with it)."""
    from .demo_library import TEMPLATES_BY_KEY

    kind, key, *_host = [*offer.external_id.split(":"), "", ""]
    return TEMPLATES_BY_KEY.get(f"{kind}:{key}")


PAST_SOURCE = "demo-past"


def past_events_seed(city, *, today: date) -> list[Offer]:
    """Last year's editions of the city's events and trainings (archived once held), in
    season, for the demo's history of registrations and attendance. Run once per city
    (tremplin.demo seeds the history only for a city that has none)."""
    hosts = structures_seed(city, ImportReport())
    rng = random.Random(f"past:{city.slug}")  # noqa: S311 - demo data
    rows = []
    for template in TEMPLATES:
        if template.kind not in ("evenement", "formation"):
            continue
        days = [
            day
            for day in (today - timedelta(days=n) for n in range(3, 365))
            if in_season(template, day.month) and day.weekday() in template.days
        ]
        for key in template.hosts:
            for day in sorted(rng.sample(days, min(len(days), rng.randint(1, 3)))):
                fields = offer_fields(template, hosts[key], city=city, rng=rng, today=today)
                starts = timezone.make_aware(datetime.combine(day, time(template.hour)))
                fields.update(
                    status=OfferStatus.ARCHIVED,
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=template.minutes),
                    published_at=starts - timedelta(days=rng.randint(14, 40)),
                )
                offer = Offer(
                    source=PAST_SOURCE,
                    external_id=f"{template.kind}:{template.key}:{key}:{day.isoformat()}",
                    **fields,
                )
                rows.append(offer)
    from .services import offer_refresh_search

    for offer in rows:
        offer_refresh_search(offer)
    return Offer.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)

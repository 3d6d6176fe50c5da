"""Demo data for `manage.py up --demo`: the three pilot cities and a territory of several
communes (Lens-Liévin), one login per role, believable content, and a year of synthetic
activity so the diagnostic has something to say.

Per city (in its schema): the logins, the catalogue (tenant_apps.catalogue.demo) and the
Mission locale's photo and panorama, advisors and the demo young person (matching), stories
(portal, the permis one shared with the network of cities), an open poll (voice), every
feature switched on; then, the first
time only, its history: a few hundred synthetic young people (youth), last year's events
(catalogue), twelve months of visits, saves, registrations and claims (analytics.demo plays
them; portal and matching store theirs), and the rollups of that year (analytics).
The national catalogue is the whole aides-jeunes corpus when ../shared/data is there.

Idempotent: running it again adds nothing twice, and skips the history of a city that has one.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kernel.clock import local_today

from shared_apps.accounts.models import Role, User
from shared_apps.accounts.services import operator_create_or_update, user_create
from shared_apps.national.importers import AIDES_JEUNES, national_importer
from shared_apps.national.services import national_import_start
from shared_apps.offers.runs import Report
from tenant_apps.analytics.demo import (
    CatalogueItem,
    Happening,
    activity_simulate,
    events_store,
    history_backfill,
)
from tenant_apps.analytics.tasks import nonrecours_snapshot
from tenant_apps.catalogue.demo import (
    FIXTURE_AIDES,
    booklet_demo_seed,
    catalogue_demo_seed,
    past_events_seed,
)
from tenant_apps.matching.demo import claims_demo_seed, matching_demo_seed
from tenant_apps.meetups.demo import meetups_demo_seed
from tenant_apps.portal.demo import (
    portal_demo_seed,
    registrations_demo_seed,
    saves_demo_seed,
    stories_share_demo_seed,
)
from tenant_apps.staff.demo import team_demo_seed
from tenant_apps.voice.demo import voice_demo_seed
from tenant_apps.youth.demo import synthetic_youth_exist, synthetic_youth_seed
from tenants.crosscity import run_in_city, send_to_each_city
from tenants.features import FEATURES, feature_allow, feature_enable
from tenants.models import City, build_url
from tenants.services import city_onboard

logger = logging.getLogger(__name__)

DEMO_PASSWORD = "tremplin-demo"  # noqa: S105 - demo data only, printed by `make demo`
OPERATOR_EMAIL = "operator@tremplin.demo"
# The aides-jeunes corpus next to the repository (../shared/data), when it is there.
SHARED_AIDES_JEUNES = settings.BASE_DIR.parent / "shared" / "data" / "aides-jeunes" / "data"
# Synthetic young people per city: a base, and more for a city with more neighbourhoods, so
# each neighbourhood's figures clear the privacy threshold.
YOUTH_BASE, YOUTH_PER_NEIGHBOURHOOD = 240, 40
# A queued or running corpus import younger than this is on its way: not queued again. Older,
# it was lost (a worker killed with its queue) and is queued anew.
IMPORT_IN_FLIGHT = timedelta(minutes=30)


@dataclass(frozen=True)
class DemoCity:
    name: str
    slug: str
    insee: str  # the default commune
    primary_color: str
    communes: tuple[str, ...] = ()  # a territory: its communes, `insee` first

    def territory(self) -> dict:
        """city_onboard's territory arguments: one commune, or the list."""
        return {"communes": list(self.communes)} if self.communes else {"insee": self.insee}


DEMO_CITIES = (
    DemoCity("Grigny", "grigny", "91286", "#0B5FA5"),
    DemoCity("Gennevilliers", "gennevilliers", "92036", "#A4262C"),
    DemoCity("Noisy-le-Sec", "noisy-le-sec", "93053", "#1B6E3A"),
    # Four communes of the CA de Lens - Liévin (EPCI 246200364) as one tenant.
    DemoCity(
        "Lens-Liévin", "lens-lievin", "62498", "#7A3E00",
        communes=("62498", "62510", "62065", "62528"),  # Lens, Liévin, Avion, Loos-en-Gohelle
    ),
)  # fmt: skip


def _ensure_user(*, email: str, role: str, display_name: str = "") -> None:
    user = User.objects.filter(email=email).first()
    if user is None:
        user_create(
            email=email,
            role=role,
            password=DEMO_PASSWORD,
            display_name=display_name,
            validate_password_strength=False,
        )
    elif not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])


def _seed_city(city: City) -> None:
    """The city's staff and youth logins and its demo content (runs in its schema)."""
    youth_email, staff_email = f"jeune@{city.slug}.demo", f"staff@{city.slug}.demo"
    _ensure_user(email=staff_email, role=Role.ADMIN)
    _ensure_user(email=youth_email, role=Role.YOUTH, display_name="Sam")
    catalogue_demo_seed(city)
    booklet_demo_seed(city)  # the Mission locale's photo and 360° panorama
    team_demo_seed(city, password=DEMO_PASSWORD)  # editor, elected official, partner, advisor
    matching_demo_seed(youth_email=youth_email, city=city)
    portal_demo_seed(city, youth_email=youth_email)
    # Issue 14 without staff work first: the permis story shared with the other cities, an
    # open poll for « Donne ton avis ».
    stories_share_demo_seed(city, staff_email=staff_email)
    voice_demo_seed(staff_email=staff_email)
    # The demo login's address counts as confirmed: no « Confirme ton adresse » banner.
    from django.utils import timezone

    from tenant_apps.youth.models import YouthProfile

    YouthProfile.objects.filter(user__email=youth_email, email_verified_at__isnull=True).update(
        email_verified_at=timezone.now()
    )


def _seed_meetups(city: City) -> None:
    meetups_demo_seed(city, password=DEMO_PASSWORD, youth_email=f"jeune@{city.slug}.demo")


def _catalogue(city: City) -> tuple[list[CatalogueItem], list[Happening]]:
    """What the synthetic young people can meet: every offer visible in the city, and the
    events and trainings with places (last year's and the coming ones)."""
    from tenant_apps.catalogue.models import Offer
    from tenant_apps.matching.candidates import candidates_for_city

    items = [
        CatalogueItem(c.id, c.kind, tuple(c.themes), c.is_national)
        for c in candidates_for_city(city)
    ]
    dated = Offer.objects.filter(
        kind__in=("evenement", "formation"), starts_at__isnull=False, source__startswith="demo"
    ).values_list("id", "starts_at", "themes", "capacity")
    happenings = [Happening(i, s, tuple(t or ()), c) for i, s, t, c in dated]
    return items, happenings


def _seed_history(city: City, *, youth: int | None = None, nonrecours: bool = False) -> dict:
    """A year of synthetic activity, once: nothing when the city already has its synthetic
    young people. Returns counts and seconds."""
    from tenant_apps.analytics.recording import _snapshots
    from tenant_apps.youth.models import Neighbourhood

    if synthetic_youth_exist():
        return {}
    started = time.perf_counter()
    today = local_today()
    count = youth or YOUTH_BASE + YOUTH_PER_NEIGHBOURHOOD * Neighbourhood.objects.count()
    with transaction.atomic():  # all of it or nothing: a half-seeded history is never kept
        people = synthetic_youth_seed(city_slug=city.slug, count=count, today=today)
        past = past_events_seed(city, today=today)
        catalogue, happenings = _catalogue(city)
        activity = activity_simulate(
            city_slug=city.slug,
            people=people,
            snapshots=_snapshots({p.user_id for p in people}),
            catalogue=catalogue,
            happenings=happenings,
            today=today,
        )
        counts = {
            "young people": len(people),
            "past events": len(past),
            "events": events_store(activity.events),
            "saves": saves_demo_seed(activity.saves),
            "registrations": registrations_demo_seed(activity.registrations),
            "claims": claims_demo_seed(activity.claims),
        }
    seeded = time.perf_counter() - started
    timings = history_backfill(city=city, today=today, nonrecours=nonrecours)
    return {**counts, "seconds": round(seeded, 1), **{k: round(v, 1) for k, v in timings.items()}}


def _features_on(city: City) -> None:
    admin = f"staff@{city.slug}.demo"
    for key in FEATURES:
        feature_allow(city=city, key=key, allowed=True, by=OPERATOR_EMAIL)
        feature_enable(city=city, key=key, enabled=True, by=admin)


def corpus_folders() -> list[Path]:
    """The aides-jeunes corpus next to the repository: benefits with rules, and those whose
    amount OpenFisca computes; [] when ../shared/data is not there."""
    benefits = SHARED_AIDES_JEUNES / "benefits"
    return [benefits / f for f in ("javascript", "openfisca") if (benefits / f).is_dir()]


def _newest_change(folder: Path) -> datetime:
    newest = max((p.stat().st_mtime for p in folder.rglob("*") if p.is_file()), default=0.0)
    return datetime.fromtimestamp(newest, tz=UTC)


def _corpus_imported(folder: Path) -> bool:
    """True when a new import of `folder` would change nothing or is already on its way: its
    last import was queued or started less than IMPORT_IN_FLIGHT ago, or it finished after the
    folder's newest file changed and the national catalogue has offers. `up` then does not
    queue the whole corpus again at every start."""
    from shared_apps.national.models import NationalImportRun, NationalOffer
    from shared_apps.offers.models import ImportStatus

    last = (
        NationalImportRun.objects.filter(importer=AIDES_JEUNES, filename=str(folder)[:255])
        .order_by("-created_at", "-id")
        .first()
    )
    if last is None:
        return False
    if last.status in (ImportStatus.PENDING, ImportStatus.RUNNING):
        return timezone.now() - last.created_at < IMPORT_IN_FLIGHT
    if last.status != ImportStatus.DONE or last.finished_at is None:
        return False
    return last.finished_at >= _newest_change(folder) and NationalOffer.objects.exists()


def national_demo_seed(*, background: bool = True) -> str:
    """The national catalogue: the whole aides-jeunes corpus when ../shared/data is there,
    else the project's small fixture. Returns the line to print. Runs in public.

    The corpus goes through the national import service: queued for the Celery worker
    (`background`), which has OpenFisca loaded already (the computed benefits need it: half a
    minute to load in this process), and which `up` starts right after the seeding; its runs
    show in the operator console; a folder already imported since its files last changed is
    not queued again (`_corpus_imported`). The fixture is imported here and now."""
    folders = corpus_folders()
    if not folders:
        report: Report = national_importer(AIDES_JEUNES)(path=FIXTURE_AIDES)
        return f"National catalogue (project fixture): {report.summary()}"
    if background:
        stale = [folder for folder in folders if not _corpus_imported(folder)]
        for folder in stale:
            national_import_start(path=folder, started_by="demo")
        names = " and ".join(f.name for f in folders)
        if not stale:
            return f"National catalogue: the aides-jeunes corpus ({names}), already imported"
        return f"National catalogue: the aides-jeunes corpus ({names}) is being imported"
    importer = national_importer(AIDES_JEUNES)
    institutions = SHARED_AIDES_JEUNES / "institutions"
    report = importer(path=folders[0], institutions_dir=institutions)
    for folder in folders[1:]:
        report.merge(importer(path=folder, institutions_dir=institutions))
    return f"National catalogue: {report.summary()}"


def demo_seed() -> list[str]:
    """Create the demo cities, accounts, content and history; return lines to print."""
    operator_create_or_update(
        email=OPERATOR_EMAIL, password=DEMO_PASSWORD, validate_password_strength=False
    )
    base = settings.TREMPLIN_BASE_DOMAIN
    lines = [f"Operator console  {build_url(base, '/console/')}  {OPERATOR_EMAIL}"]
    cities = []
    for demo in DEMO_CITIES:
        result = city_onboard(
            name=demo.name,
            slug=demo.slug,
            **demo.territory(),
            admin_email=f"staff@{demo.slug}.demo",
            primary_color=demo.primary_color,
        )
        cities.append(result.city)
    # After the cities: the communal aids of a demo city go to its own catalogue.
    national = national_demo_seed()
    new_history = []
    for city in cities:
        started = time.perf_counter()
        run_in_city(city, _seed_city)
        _features_on(city)
        history = run_in_city(city, _seed_history)
        run_in_city(city, _seed_meetups)  # after the history: synthetic people register
        if history:
            new_history.append(city)
            logger.info("Demo history of %s: %s", city.slug, history)
        logger.info("Demo: %s seeded in %.1f s", city.slug, time.perf_counter() - started)
        lines.append(f"{city.name:<17} {city.url}  staff@{city.slug}.demo / jeune@{city.slug}.demo")
    if new_history:
        # Non-recours evaluates every young person with OpenFisca: the worker does it (it has
        # OpenFisca loaded), as it does each night.
        send_to_each_city(
            nonrecours_snapshot, kwargs={"day": local_today().isoformat()}, cities=new_history
        )
    lines.append(national)
    if settings.TREMPLIN_DEV_MAILDIR:
        lines.append(f"Mailbox (every e-mail sent)  {build_url(base, '/_dev/mail/')}")
    lines.append(f"Password for every demo login: {DEMO_PASSWORD}")
    return lines

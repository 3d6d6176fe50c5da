"""What the tenancy core asks the apps above it. The apps fill these in AppConfig.ready().

tenants/ never imports an app (the layers of ../shared/STYLE.md): where it needs one, it asks
here. Onboarding a city (tenants.services.city_onboard) runs the steps below in this order, in
one transaction, so a failing hook leaves nothing behind:

    1. validate    public schema  check the input; every hook runs and every problem is
                                  reported at once (the first message per field wins)
    2. prepare     public schema  fill the new, unsaved City row
    3. registered  public schema  the City row exists (also on a re-run for the same city)
    4. seed        city schema    fill the new city's schema (tenants switches to it)

Within a step, hooks run by `order`, then by name: the order does not depend on the order of
INSTALLED_APPS. Registering a name again replaces the hook. Registered today:

    validate     geo.insee (10), branding.primary_color (20), billing.plan (30)
    prepare      geo.commune (10)
    territory    geo.commune (10)  (a tenant communes were moved out of: refill its row)
    registered   billing.plan (10)
    seed         branding (10), youth.neighbourhoods (20), accounts.first_admin (90, last:
                 the invitation goes out once the rest of the city exists)
    renamed      branding (10)  (portability: an import under a new display name)

The city's own side of the feature flags is one store, registered by tenant_apps.features;
the communes of an EPCI (onboarding by EPCI code) come from the reference shared_apps.geo
registers (`communes_reference_register`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from .models import City

FieldErrors = dict[str, list[str]]  # field → French messages


@dataclass(frozen=True)
class CityRequest:
    """Onboarding input, checked by tenants (name, slug, e-mail, domains) and the hooks."""

    name: str
    slug: str
    insee: str  # the default commune: the first of `communes`
    admin_email: str
    domains: tuple[str, ...]  # the platform subdomain first
    primary_color: str | None  # #RRGGBB, upper case
    plan: str = ""
    communes: tuple[str, ...] = ()  # the territory's INSEE codes (just `insee` when alone)
    territory_field: str = "insee"  # the input that named them: insee, communes or epci
    move_communes: bool = False  # take communes another tenant covers (audited)

    @property
    def commune_codes(self) -> tuple[str, ...]:
        return self.communes or ((self.insee,) if self.insee else ())


@dataclass
class CitySeed:
    """What seed hooks get, in the new city's schema; they may leave something for the caller."""

    city: City
    primary_color: str | None
    invitation_link: str | None = None  # set by the first admin's hook when it invites them


H = TypeVar("H", bound=Callable)


class Hooks(Generic[H]):
    """One step's hooks, run by (order, name)."""

    def __init__(self, step: str) -> None:
        self.step = step
        self._hooks: dict[str, tuple[int, H]] = {}

    def register(self, name: str, hook: H, *, order: int = 50) -> None:
        self._hooks[name] = (order, hook)

    def unregister(self, name: str) -> None:
        self._hooks.pop(name, None)

    def names(self) -> list[str]:
        return [name for name, _hook in self._sorted()]

    def __iter__(self) -> Iterator[H]:
        return (hook for _name, hook in self._sorted())

    def _sorted(self) -> list[tuple[str, H]]:
        ordered = sorted(self._hooks.items(), key=lambda item: (item[1][0], item[0]))
        return [(name, hook) for name, (_order, hook) in ordered]


# validate(request) -> field errors (empty when fine). No database write.
validate: Hooks[Callable[[CityRequest], FieldErrors]] = Hooks("validate")
# prepare(city, request): set fields on the unsaved City row.
prepare: Hooks[Callable[[City, CityRequest], None]] = Hooks("prepare")
# registered(city, request, by): the City row is saved (public schema, same transaction).
registered: Hooks[Callable[[City, CityRequest, str], None]] = Hooks("registered")
# seed(seed): runs in the city's schema; must be idempotent (provisioning may run again).
seed: Hooks[Callable[[CitySeed], None]] = Hooks("seed")
# territory(city): `city.communes` changed (communes moved to another tenant): refill the
# figures the prepare hooks derived from them (unsaved; public schema).
territory: Hooks[Callable[[City], None]] = Hooks("territory")
# renamed(city, name): the city's display name changed; runs in the city's schema.
renamed: Hooks[Callable[[City, str], None]] = Hooks("renamed")


class FeatureStore(Protocol):
    """The city's own feature switches, read and written in the current city's schema."""

    def enabled(self) -> dict[str, bool]: ...

    def set(self, *, key: str, enabled: bool, by: str) -> object: ...


_feature_store: FeatureStore | None = None


class CommunesReference(Protocol):
    """What tenants asks the communes reference (shared_apps.geo) at onboarding."""

    def epci_communes(self, epci: str) -> list[str] | None:
        """The EPCI's communes (INSEE codes, most populous first), None when unknown."""
        ...


_communes_reference: CommunesReference | None = None


def communes_reference_register(reference: CommunesReference) -> None:
    global _communes_reference
    _communes_reference = reference


def communes_reference() -> CommunesReference:
    if _communes_reference is None:
        raise ImproperlyConfigured(
            "No communes reference registered: install shared_apps.geo (it registers one)."
        )
    return _communes_reference


def feature_store_register(store: FeatureStore) -> None:
    global _feature_store
    _feature_store = store


def feature_store() -> FeatureStore:
    if _feature_store is None:
        raise ImproperlyConfigured(
            "No feature store registered: install tenant_apps.features (it registers one)."
        )
    return _feature_store

"""Which aids have an amount computed per person (OpenFisca), asked of the app that computes them.

The aides-jeunes corpus has a folder of benefits whose amount OpenFisca computes and whose files
carry no rules. The importer keeps only those Tremplin really computes; which ones that is, the
matching app knows (tenant_apps.matching.openfisca.corpus) and registers here from ready().
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

Provider = Callable[[], Iterable[str]]
_providers: list[Provider] = []


def computed_benefits_register(provider: Provider) -> None:
    """`provider()` returns the slugs (corpus file stems) of the benefits computed per person."""
    if provider not in _providers:
        _providers.append(provider)


def computed_benefit_slugs() -> frozenset[str]:
    return frozenset(slug for provider in _providers for slug in provider())


def computed_condition(slug: str) -> dict:
    """The rule that makes an aid depend on its computed amount (see matching.eligibility)."""
    return {"type": "openfisca", "benefit": slug}

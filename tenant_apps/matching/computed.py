"""Amounts OpenFisca-France computes: one result per profile version, computed in the worker.

A person's OpenFisca inputs (age, situation, commune, income, housing…) are reduced to a small
canonical dict; its hash is the profile version. The result for a version is kept in Redis,
shared by every city (the inputs hold the commune, so local aids stay local). The web process
never simulates: it reads the result, or asks the worker for it and shows the aids as pending.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from tenants.cache import platform_cache

from .eligibility import Profile

logger = logging.getLogger(__name__)

# Bump when the inputs, the benefits computed or their meaning change: old results are ignored.
SCHEMA_VERSION = 1
RESULT_TTL = 35 * 24 * 3600  # a month of legislation, and a little more
QUEUED_TTL = 120  # seconds a request for the same version is not sent again
STALL_SECONDS = 60  # asked this long ago and still no result: stop waiting (worker down?)
POLL_INTERVAL = 0.05


# The "period" of a benefit OpenFisca only says yes (1) or no (0) to: it decides, shows no amount.
ELIGIBILITY = "eligibility"


@dataclass(frozen=True)
class Amount:
    value: float
    period: str  # month | year | once, or ELIGIBILITY
    estimate: bool = True

    def as_json(self) -> dict[str, Any]:
        return {"value": self.value, "period": self.period, "estimate": self.estimate}


@dataclass(frozen=True)
class Result:
    amounts: dict[str, Amount]  # benefit slug → amount; 0 means not entitled
    missing: dict[str, tuple[str, ...]]  # benefit slug → the answers that would decide it
    computed_at: datetime
    legislation_date: date


def legislation_date(today: date) -> date:
    """The legislation simulated: the month of `today` (OpenFisca's parameters at that date)."""
    return today.replace(day=1)


def inputs_for(data: Mapping[str, Any], engine: Profile, *, today: date) -> dict[str, Any]:
    """The canonical OpenFisca inputs of a profile (DESIGN.md shape plus the money fields)."""

    def number(value):
        return None if value is None or value == "" else round(float(value), 2)

    return {
        "month": legislation_date(today).isoformat()[:7],
        "birth_date": engine.birth_date.isoformat() if engine.birth_date else None,
        "situation": engine.situation,
        "commune_insee": engine.commune_insee,
        "boursier": engine.boursier,
        "net_income_monthly": number(data.get("net_income_monthly")),
        "housing_status": data.get("housing_status") or None,
        "rent_monthly": number(data.get("rent_monthly")),
        "lives_with_partner": data.get("lives_with_partner"),
    }


def version(inputs: Mapping[str, Any]) -> str:
    text = json.dumps([SCHEMA_VERSION, inputs], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def _key(inputs: Mapping[str, Any]) -> str:
    return f"rights:openfisca:{version(inputs)}"


def result_key(inputs: Mapping[str, Any]) -> str:
    """Where the result for these inputs lands (a cached answer waiting for it watches it)."""
    return _key(inputs)


def _dump(result: Result) -> dict:
    return {
        "amounts": {slug: [a.value, a.period] for slug, a in result.amounts.items()},
        "missing": {slug: list(facts) for slug, facts in result.missing.items()},
        "computed_at": result.computed_at.isoformat(),
        "legislation_date": result.legislation_date.isoformat(),
    }


def _load(raw: Mapping) -> Result:
    return Result(
        amounts={slug: Amount(float(v), str(p)) for slug, (v, p) in raw["amounts"].items()},
        missing={slug: tuple(facts) for slug, facts in raw["missing"].items()},
        computed_at=datetime.fromisoformat(raw["computed_at"]),
        legislation_date=date.fromisoformat(raw["legislation_date"]),
    )


def result_get(inputs: Mapping[str, Any]) -> Result | None:
    """The stored result for this profile version; None when absent or Redis is down."""
    try:
        raw = platform_cache.get(_key(inputs))
    except Exception:  # Redis down: the page shows the aids as pending, never a 500
        logger.warning("OpenFisca result cache unreachable", exc_info=True)
        return None
    if not raw:
        return None
    try:
        return _load(raw)
    except (KeyError, TypeError, ValueError):
        return None


def result_request(inputs: Mapping[str, Any]) -> bool:
    """Ask the worker to compute this version (once per QUEUED_TTL). True while it is worth
    waiting for the result; False when it could not be asked, or was asked more than
    STALL_SECONDS ago with no answer (worker down or failing): pages stop waiting then, and the
    next visit after QUEUED_TTL asks again."""
    from .tasks import rights_amounts_compute

    key = f"{_key(inputs)}:queued"
    try:
        if platform_cache.add(key, time.time(), timeout=QUEUED_TTL):
            return rights_amounts_compute.delay([dict(inputs)]) is not None
        asked_at = platform_cache.get(key)
    except Exception:  # broker or Redis down: nothing is computed, the page still answers
        logger.warning("could not ask the worker for OpenFisca amounts", exc_info=True)
        return False
    return isinstance(asked_at, int | float) and time.time() - asked_at < STALL_SECONDS


def result_wait(inputs: Mapping[str, Any], *, timeout: float) -> Result | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = result_get(inputs)
        if result is not None:
            return result
        time.sleep(POLL_INTERVAL)
    return result_get(inputs)


def _period(slug: str, period: str) -> str:
    """The simulated period, or ELIGIBILITY for a benefit OpenFisca answers yes/no (1 or 0) or
    counts in something else than euros."""
    from .openfisca.corpus import benefit_get

    benefit = benefit_get(slug)
    # Only euros are shown and summed; a count (the student psychologist's sessions) decides.
    return ELIGIBILITY if benefit is not None and benefit.unit != "€" else period


def results_compute(inputs_list: Iterable[Mapping[str, Any]]) -> list[Result]:
    """Simulate every distinct version at once (vectorised), store and return the results.

    Runs in the worker (the task) and in the nightly batch; never in a web request."""
    from .openfisca import simulate

    inputs_list = list(inputs_list)
    unique: dict[str, Mapping[str, Any]] = {}
    for inputs in inputs_list:
        unique.setdefault(version(inputs), inputs)
    if not unique:
        return []
    by_month: dict[str, list[str]] = {}
    for key, inputs in unique.items():
        by_month.setdefault(str(inputs["month"]), []).append(key)
    results: dict[str, Result] = {}
    now = timezone.now()
    for month, keys in by_month.items():
        batch = simulate.simulate_batch([unique[k] for k in keys], month=month)
        for key, (amounts, missing) in zip(keys, batch, strict=True):
            results[key] = Result(
                amounts={s: Amount(float(v), _period(s, p)) for s, (v, p) in amounts.items()},
                missing={s: tuple(f) for s, f in missing.items()},
                computed_at=now,
                legislation_date=date.fromisoformat(f"{month}-01"),
            )
    platform_cache.set_many(
        {f"rights:openfisca:{key}": _dump(result) for key, result in results.items()},
        timeout=RESULT_TTL,
    )
    platform_cache.delete_many([f"rights:openfisca:{key}:queued" for key in results])
    return [results[version(inputs)] for inputs in inputs_list]

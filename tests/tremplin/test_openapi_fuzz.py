"""Issue 11, item 7: schemathesis (an independent fuzzer) against both hosts' OpenAPI schemas.

Every operation of /api/schema/ on the platform's host and on a city's host is called with
generated requests, anonymous and signed in (an operator on the platform; a young person and
the city's admin on the city), through the real WSGI application. Any 5xx, undocumented
status, wrong content type or body that does not match its documented schema fails the test.
A fixed seed and a bounded number of examples per operation keep it reproducible and short.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import token_create
from tenants.context import in_city
from tests.conftest import host_of

SEED = 20261101
EXAMPLES = {GenerationMode.POSITIVE: 4, GenerationMode.NEGATIVE: 2}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@dataclass
class Run:
    host: str
    role: str
    operations: int = 0
    examples: int = 0
    failures: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _fuzz(host: str, role: str, token: str | None) -> Run:
    from tremplin.wsgi import application

    # The application runs in this thread, inside the test's transaction: like Django's test
    # client, keep its request signals from closing the connection under it.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        return _fuzz_operations(application, host, role, token)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _fuzz_operations(application, host: str, role: str, token: str | None) -> Run:
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", application, headers={"Host": host}
    )
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    run = Run(host, role)
    for result in schema.get_all_operations():
        operation = result.ok()
        run.operations += 1
        began = time.monotonic()
        for mode, examples in EXAMPLES.items():
            try:
                _examples(run, operation, mode, examples, headers)()
            except Unsatisfiable:  # nothing to make invalid (no parameter, no body)
                assert mode is GenerationMode.NEGATIVE, operation.label
        run.seconds[operation.label] = time.monotonic() - began
    return run


def _examples(run: Run, operation, mode: GenerationMode, examples: int, headers: dict):
    """A Hypothesis test of `examples` requests to `operation`, recording its first failure."""
    label = f"{operation.label} [{mode.value}]"

    @seed(SEED)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def call(case) -> None:
        run.examples += 1
        if label in run.failures:
            return
        try:
            # A savepoint per request: a failure never spoils the next one's data.
            with transaction.atomic():
                case.call_and_validate(
                    base_url=f"http://{run.host}", headers=headers, checks=CHECKS
                )
                transaction.set_rollback(True)
        except (Exception, BaseExceptionGroup) as exc:  # every check failure, reported below
            run.failures[label] = f"{type(exc).__name__}: {exc}"[:1500]

    return call


def _report(run: Run, started: float) -> str:
    lines = [
        f"{run.host} as {run.role}: {run.operations} operations, {run.examples} examples, "
        f"{len(run.failures)} failing, {time.monotonic() - started:.1f}s"
    ]
    slowest = sorted(run.seconds.items(), key=lambda item: -item[1])[:3]
    lines.append("slowest: " + ", ".join(f"{label} {sec:.1f}s" for label, sec in slowest))
    lines += [f"--- {label}\n{text}" for label, text in sorted(run.failures.items())]
    return "\n".join(lines)


def _seed(city, *, young, editor) -> None:
    """A little of everything the API lists, so bodies are checked, not only empty pages."""
    from tenant_apps.matching import services as matching
    from tenant_apps.portal import services as portal
    from tests.tenant_apps.catalogue.factories import make_national, make_offer

    make_national(title="Aide nationale au permis", amount_value=500, periodicity="ponctuelle")
    with in_city(city):
        make_offer(kind="aide", title="Coup de pouce", summary="Une aide locale.")
        make_offer(kind="emploi", title="Job d'été", status="draft", latitude=48.65, longitude=2.39)
        event = make_offer(
            kind="evenement", title="Atelier CV", capacity=5, address="Place du marché"
        )
        advisor = matching.advisor_create(
            kind="advisor", display_name="Samia", organisation="Mission locale",
            bio="Conseillère emploi.", formats=["cafe"],
        )  # fmt: skip
        start = timezone.now() + timedelta(days=2)
        for hours in (0, 2):
            slot = matching.slot_create(
                advisor=advisor, starts_at=start + timedelta(hours=hours),
                ends_at=start + timedelta(hours=hours + 1), format="cafe",
            )  # fmt: skip
        matching.booking_create(slot_id=slot.id, user=young, message="Trouver un job")
        portal.save_add(user=young, offer_id=event.pk)
        portal.registration_create(user=young, offer_id=event.pk)


@pytest.fixture
def tokens(grigny, make_user, operator_token):
    young = make_user(grigny, "lina@grigny.test", Role.YOUTH)
    admin = make_user(grigny, "admin@grigny.test", Role.ADMIN)
    editor = make_user(grigny, "editor@grigny.test", Role.EDITOR)
    _seed(grigny, young=young, editor=editor)
    with in_city(grigny):
        city = {"youth": token_create(user=young), "admin": token_create(user=admin)}
    return {"operator": operator_token, **city}


@pytest.mark.parametrize(
    ("where", "role"),
    [
        ("platform", "anonymous"),
        ("platform", "operator"),
        ("city", "anonymous"),
        ("city", "youth"),
        ("city", "admin"),
    ],
)
def test_schemathesis_finds_nothing(grigny, public_host, tokens, monkeypatch, where, role):
    # The anonymous evaluation answers at once (202 and its poll URL, both documented)
    # instead of waiting two seconds per request for OpenFisca's worker.
    monkeypatch.setattr("tenant_apps.matching.rights_api.EVALUATE_WAIT_SECONDS", 0)
    host = public_host if where == "platform" else host_of(grigny)
    started = time.monotonic()
    run = _fuzz(host, role, tokens.get(role))
    print(_report(run, started))
    assert run.operations > 0 and run.examples >= run.operations
    assert not run.failures, _report(run, started)

"""Custom domains: add, make primary, remove; secondary hosts redirect to the primary one."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from kernel.errors import Conflict, NotFound, ValidationFailed

from tenants.domains import domain_add, domain_make_primary, domain_remove
from tenants.models import AuditEntry, Domain
from tenants.resolution import host_cache


def dns_checked(host: str) -> None:
    """As if the operator had verified the domain's TXT record (test_domain_verification.py)."""
    Domain.objects.filter(domain=host).update(verified_at=timezone.now())


def hosts(city) -> list[tuple[str, bool]]:
    return sorted(Domain.objects.filter(tenant=city).values_list("domain", "is_primary"))


def test_add_make_primary_remove_are_audited(grigny):
    domain_add(city=grigny, host="Jeunes.Grigny.test", by="ops@tremplin.test")
    domain_add(city=grigny, host="jeunes.grigny.test", by="ops@tremplin.test")  # idempotent
    assert hosts(grigny) == [("grigny.localhost", True), ("jeunes.grigny.test", False)]
    dns_checked("jeunes.grigny.test")
    domain_make_primary(city=grigny, host="jeunes.grigny.test", by="ops@tremplin.test")
    assert hosts(grigny) == [("grigny.localhost", False), ("jeunes.grigny.test", True)]
    with pytest.raises(Conflict):
        domain_remove(city=grigny, host="jeunes.grigny.test", by="ops")
    with pytest.raises(Conflict):
        domain_remove(city=grigny, host="grigny.localhost", by="ops")
    domain_make_primary(city=grigny, host="grigny.localhost", by="ops@tremplin.test")
    domain_remove(city=grigny, host="jeunes.grigny.test", by="ops@tremplin.test")
    domain_remove(city=grigny, host="jeunes.grigny.test", by="ops@tremplin.test")
    assert hosts(grigny) == [("grigny.localhost", True)]
    actions = list(
        AuditEntry.objects.filter(city=grigny, action__startswith="domain.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "domain.added",
        "domain.made_primary",
        "domain.made_primary",
        "domain.removed",
    ]


@pytest.mark.parametrize(
    "host", ["pas un domaine", "localhost", "autre.localhost", "nodot", "gennevilliers.localhost"]
)
def test_bad_or_foreign_domains_are_refused(grigny, gennevilliers, host):
    with pytest.raises((ValidationFailed, Conflict)) as excinfo:
        domain_add(city=grigny, host=host, by="ops")
    assert excinfo.value.message
    assert hosts(gennevilliers) == [("gennevilliers.localhost", True)]


def test_unknown_domain_cannot_be_made_primary(grigny, gennevilliers):
    with pytest.raises(NotFound):
        domain_make_primary(city=grigny, host="gennevilliers.localhost", by="ops")


def test_secondary_domain_redirects_permanently_to_primary_same_path(grigny):
    domain_add(city=grigny, host="jeunes.grigny.test", by="ops")
    response = Client(HTTP_HOST="jeunes.grigny.test").get("/connexion/?next=/x")
    assert response.status_code == 301
    assert response["Location"] == "http://grigny.localhost:8000/connexion/?next=/x"
    dns_checked("jeunes.grigny.test")
    domain_make_primary(city=grigny, host="jeunes.grigny.test", by="ops")
    response = Client(HTTP_HOST="grigny.localhost").get("/")
    assert response.status_code == 301
    assert response["Location"] == "http://jeunes.grigny.test:8000/"
    assert Client(HTTP_HOST="jeunes.grigny.test").get("/").status_code == 200
    post = Client(HTTP_HOST="grigny.localhost").post("/api/v1/auth/token/", {})
    assert post.status_code == 308


def test_redirect_decision_costs_no_query_when_warm(grigny, django_assert_num_queries):
    domain_add(city=grigny, host="jeunes.grigny.test", by="ops")
    Client(HTTP_HOST="jeunes.grigny.test").get("/healthz")
    host_cache.resolve("jeunes.grigny.test")
    with django_assert_num_queries(0):
        response = Client(HTTP_HOST="jeunes.grigny.test").get("/")
    assert response.status_code == 301

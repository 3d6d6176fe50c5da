"""A custom domain proves it is the city's (DNS TXT record) before it becomes primary or gets a
certificate; the reverse proxy's "ask" endpoint says yes only then, and only for active cities."""

from __future__ import annotations

import pytest
from django.test import Client
from kernel.errors import Conflict, NotFound, ValidationFailed

from tenants import domains, lifecycle
from tenants.domains import (
    domain_add,
    domain_challenge_for,
    domain_make_primary,
    domain_verify,
)
from tenants.models import AuditEntry, Domain
from tenants.resolution import host_cache

ASK = "/internal/tls/ask"


def publish(fake_dns, city, host: str) -> None:
    challenge = domain_challenge_for(city=city, host=host)
    fake_dns.txt[challenge.name] = [challenge.value]


def ask(host: str, *, via: str = "web:8000", **headers) -> int:
    return Client(HTTP_HOST=via).get(ASK, {"domain": host}, **headers).status_code


def test_an_unverified_domain_cannot_become_primary(grigny):
    domain_add(city=grigny, host="jeunes.grigny.test", by="ops")
    with pytest.raises(Conflict) as excinfo:
        domain_make_primary(city=grigny, host="jeunes.grigny.test", by="ops")
    assert excinfo.value.code == "domain_unverified"
    assert "Vérifier" in excinfo.value.message
    with pytest.raises(Conflict):  # nor straight away when added
        domain_add(city=grigny, host="autre.grigny.test", by="ops", primary=True)
    assert not Domain.objects.filter(domain="autre.grigny.test").exists()
    assert Domain.objects.get(tenant=grigny, is_primary=True).domain == "grigny.localhost"


def test_the_txt_record_verifies_the_domain_then_it_can_become_primary(grigny, fake_dns):
    domain_add(city=grigny, host="jeunes.grigny.test", by="ops")
    challenge = domain_challenge_for(city=grigny, host="jeunes.grigny.test")
    assert challenge.name == "_tremplin-challenge.jeunes.grigny.test"
    assert challenge.type == "TXT" and challenge.value.startswith("tremplin-verification=")

    with pytest.raises(ValidationFailed) as excinfo:  # nothing published yet
        domain_verify(city=grigny, host="jeunes.grigny.test", by="ops")
    assert challenge.name in excinfo.value.message and challenge.value in excinfo.value.message
    fake_dns.txt[challenge.name] = ["tremplin-verification=un-autre-jeton", "v=spf1 -all"]
    with pytest.raises(ValidationFailed) as excinfo:  # someone else's token
        domain_verify(city=grigny, host="jeunes.grigny.test", by="ops")
    assert "un-autre-jeton" in excinfo.value.message
    assert Domain.objects.get(domain="jeunes.grigny.test").verified_at is None

    fake_dns.txt[challenge.name].append(challenge.value)
    domain_verify(city=grigny, host="jeunes.grigny.test", by="ops@tremplin.test")
    domain_verify(city=grigny, host="jeunes.grigny.test", by="ops@tremplin.test")  # idempotent
    assert Domain.objects.get(domain="jeunes.grigny.test").verified_at is not None
    assert fake_dns.queries.count(challenge.name) == 3  # the second verify asked nothing
    domain_make_primary(city=grigny, host="jeunes.grigny.test", by="ops")
    assert Domain.objects.get(tenant=grigny, is_primary=True).domain == "jeunes.grigny.test"
    assert list(
        AuditEntry.objects.filter(city=grigny, action="domain.verified").values_list(
            "actor", "details"
        )
    ) == [("ops@tremplin.test", {"domain": "jeunes.grigny.test"})]


def test_each_domain_has_its_own_token_and_one_city_cannot_verify_anothers(
    grigny, gennevilliers, fake_dns
):
    domain_add(city=grigny, host="jeunes.grigny.test", by="ops")
    domain_add(city=gennevilliers, host="jeunes.gennevilliers.test", by="ops")
    mine = domain_challenge_for(city=grigny, host="jeunes.grigny.test")
    theirs = domain_challenge_for(city=gennevilliers, host="jeunes.gennevilliers.test")
    assert mine.value != theirs.value
    # Grigny's token published under Gennevilliers's name proves nothing for Gennevilliers.
    fake_dns.txt[theirs.name] = [mine.value]
    with pytest.raises(ValidationFailed):
        domain_verify(city=gennevilliers, host="jeunes.gennevilliers.test", by="ops")
    with pytest.raises(NotFound):
        domain_verify(city=grigny, host="jeunes.gennevilliers.test", by="ops")
    with pytest.raises(NotFound):
        domain_challenge_for(city=grigny, host="jeunes.gennevilliers.test")


def test_a_silent_dns_is_a_clear_503_not_a_crash(grigny, fake_dns, monkeypatch):
    monkeypatch.setattr(domains, "DNS_TIMEOUT_SECONDS", 0.5)
    domain_add(city=grigny, host="jeunes.grigny.test", by="ops")
    fake_dns.silent = True
    with pytest.raises(domains.DnsUnavailable) as excinfo:
        domain_verify(city=grigny, host="jeunes.grigny.test", by="ops")
    assert excinfo.value.status_code == 503 and "réessaie" in excinfo.value.message


# The reverse proxy's "ask" endpoint.


def test_ask_says_yes_for_an_active_citys_own_subdomain_and_verified_domains(grigny, fake_dns):
    assert ask("grigny.localhost") == 200
    domain_add(city=grigny, host="jeunes.grigny.test", by="ops")
    assert ask("jeunes.grigny.test") == 404  # not verified yet
    publish(fake_dns, grigny, "jeunes.grigny.test")
    domain_verify(city=grigny, host="jeunes.grigny.test", by="ops")
    assert ask("jeunes.grigny.test") == 200
    assert ask("JEUNES.grigny.test.") == 200  # the same name, as a handshake may spell it


@pytest.mark.parametrize("host", ["inconnu.example.fr", "nimporte.localhost", "localhost"])
def test_ask_says_no_for_unknown_names(grigny, host):
    assert ask(host) == 404


def test_ask_says_no_for_a_suspended_or_archived_city(grigny, fake_dns):
    domain_add(city=grigny, host="jeunes.grigny.test", by="ops")
    publish(fake_dns, grigny, "jeunes.grigny.test")
    domain_verify(city=grigny, host="jeunes.grigny.test", by="ops")
    lifecycle.city_suspend(city=grigny, by="ops", reason="Impayé")
    assert ask("jeunes.grigny.test") == 404
    assert ask("grigny.localhost") == 404
    lifecycle.city_reactivate(city=grigny, by="ops")
    assert ask("jeunes.grigny.test") == 200


def test_ask_answers_on_any_host_but_not_through_the_proxy(grigny):
    assert ask("grigny.localhost", via="grigny.localhost") == 200
    assert ask("grigny.localhost", via="localhost") == 200
    assert ask("grigny.localhost", HTTP_X_FORWARDED_FOR="203.0.113.9") == 403
    assert Client(HTTP_HOST="web:8000").get(ASK).status_code == 400
    assert ask("pas un domaine") == 400
    assert Client(HTTP_HOST="web:8000").post(ASK, {"domain": "grigny.localhost"}).status_code == 405


def test_ask_costs_no_query_when_warm(grigny, django_assert_num_queries):
    for host in ("grigny.localhost", "inconnu.example.fr"):
        ask(host)
        host_cache.resolve(host)
    with django_assert_num_queries(0):
        assert ask("grigny.localhost") == 200
        assert ask("inconnu.example.fr") == 404  # a miss is cached too

"""Rights and feed over the API: « mes droits », anonymous evaluation, « pour toi »."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from kernel.clock import local_today
from kernel.errors import NotFound
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from tenant_apps.catalogue.selectors import offer_get_for_city
from tenant_apps.interactions import record
from tenant_apps.youth.choices import (
    MAX_MONTHLY_INCOME,
    MAX_MONTHLY_RENT,
    DiplomaLevel,
    Frein,
    HousingStatus,
    LookingFor,
    Situation,
)
from tenant_apps.youth.validation import profile_errors
from tenants.access import CityAPIView, OnCityHost, canonical_url, current_city
from tenants.cache import platform_cache

from . import computed, services
from .answer_cache import answer_for, answer_response
from .answers import person_for_request
from .candidates import Candidate, candidates_for_city
from .feed import FeedItem, feed_for
from .profiles import match_profile_for_user
from .rights import PERIOD_OF, RightsAnswer, rights_evaluate


class ProfileInputSerializer(serializers.Serializer):
    """The DESIGN.md profile; every field optional."""

    birth_date = serializers.DateField(required=False, allow_null=True)
    situation = serializers.ChoiceField(Situation.choices, required=False, allow_blank=True)
    diploma_level = serializers.ChoiceField(DiplomaLevel.choices, required=False, allow_blank=True)
    commune_insee = serializers.CharField(required=False, allow_blank=True, max_length=5)
    postal_code = serializers.CharField(required=False, allow_blank=True, max_length=5)
    neighbourhood = serializers.CharField(required=False, allow_blank=True, max_length=40)
    interests = serializers.ListField(
        child=serializers.CharField(max_length=80), required=False, max_length=40
    )
    freins = serializers.ListField(child=serializers.ChoiceField(Frein.choices), required=False)
    looking_for = serializers.ListField(
        child=serializers.ChoiceField(LookingFor.choices), required=False
    )
    has_driving_licence = serializers.BooleanField(required=False, allow_null=True)
    boursier = serializers.BooleanField(required=False, allow_null=True)
    net_income_monthly = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, max_value=MAX_MONTHLY_INCOME,
        required=False, allow_null=True,
    )  # fmt: skip
    housing_status = serializers.ChoiceField(
        HousingStatus.choices, required=False, allow_blank=True, allow_null=True
    )
    rent_monthly = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=0, max_value=MAX_MONTHLY_RENT,
        required=False, allow_null=True,
    )  # fmt: skip
    lives_with_partner = serializers.BooleanField(required=False, allow_null=True)
    facts = serializers.DictField(required=False)

    def validate(self, attrs: dict) -> dict:
        errors = profile_errors(attrs, today=local_today())
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def offer_path(candidate: Candidate) -> str:
    return reverse("catalogue:offer-detail", args=[candidate.id])


_MARKER = "00000000-0000-0000-0000-000000000000"


def offer_urls(request) -> Callable[[Candidate], str]:
    """Each offer's canonical page URL, from one reverse() and one host lookup per answer (an
    answer lists up to 50 offers: one each was a third of the feed's time)."""
    template = canonical_url(request, reverse("catalogue:offer-detail", args=[_MARKER]))
    return lambda candidate: template.replace(_MARKER, str(candidate.id))


def offer_json(candidate: Candidate, request, url_of: Callable[[Candidate], str] | None = None):
    """The DESIGN.md offer item, plus the amount when known."""
    url = url_of(candidate) if url_of else canonical_url(request, offer_path(candidate))
    return {
        "id": str(candidate.id),
        "kind": candidate.kind,
        "title": candidate.title,
        "summary": candidate.summary,
        "themes": list(candidate.themes),
        "location": {
            "commune_insee": candidate.commune_insee,
            "latitude": candidate.latitude,
            "longitude": candidate.longitude,
            "is_remote": candidate.is_remote,
        },
        "starts_at": candidate.starts_at.isoformat() if candidate.starts_at else None,
        "ends_at": candidate.ends_at.isoformat() if candidate.ends_at else None,
        "is_national": candidate.is_national,
        "url": url,
        "amount": {
            "value": float(candidate.amount_value) if candidate.amount_value is not None else None,
            "unit": candidate.amount_unit,
            "legend": candidate.amount_legend,
            "periodicity": candidate.periodicity,
        },
        "institution": candidate.institution_name,
    }


def _amount_json(candidate: Candidate, amount: computed.Amount | None) -> dict:
    """The amount of an aid: OpenFisca's estimate for this person, else the catalogue's."""
    if amount is not None:
        return {**amount.as_json(), "unit": "€", "legend": "", "periodicity": candidate.periodicity}
    return {
        "value": float(candidate.amount_value) if candidate.amount_value is not None else None,
        "period": PERIOD_OF.get(candidate.periodicity),
        "estimate": False,
        "unit": candidate.amount_unit,
        "legend": candidate.amount_legend,
        "periodicity": candidate.periodicity,
    }


def rights_json(answer: RightsAnswer, request, *, signed_in: bool = False) -> dict:
    """The contract of issue 17: eligible (with amounts), maybe (with what is missing),
    computed_at and legislation_date; signed-in people also get claims and questions."""

    url_of = offer_urls(request)

    def offer(candidate: Candidate) -> dict:
        return {**offer_json(candidate, request, url_of), "amount": _amount_json(
            candidate, answer.amount_of(candidate)
        )}  # fmt: skip

    body: dict = {
        "eligible": [offer(c) for c in answer.eligible],
        "maybe": [{"offer": offer(m.candidate), "missing": list(m.missing)} for m in answer.maybe],
        "computed_at": answer.computed_at.isoformat() if answer.computed_at else None,
        "legislation_date": answer.legislation_date.isoformat(),
    }
    if answer.pending:
        body["pending"] = [offer(c) for c in answer.pending]
    if signed_in:
        for item, maybe in zip(body["maybe"], answer.maybe, strict=True):
            item["question"] = maybe.question
        body["questions"] = [
            {"fact": q.fact, "question": q.text, "settles": n, "monthly_euros": float(euros)}
            for q, n, euros in answer.questions[:3]
        ]
        for item, candidate in zip(body["eligible"], answer.eligible, strict=True):
            item["claimed"] = candidate.id in answer.claimed
        body["unclaimed_count"] = len(answer.unclaimed)
        body["unclaimed_monthly_euros"] = float(answer.unclaimed_monthly_euros)
    return body


def feed_json(items: list[FeedItem], request) -> dict:
    results = []
    url_of = offer_urls(request)
    for item in items:
        entry = offer_json(item.candidate, request, url_of)
        entry["reasons"] = list(item.reasons)
        entry["distance_km"] = round(item.distance_km, 2) if item.distance_km is not None else None
        results.append(entry)
    return {"count": len(results), "next": None, "previous": None, "results": results}


# How long the anonymous evaluation waits for the worker before answering 202 with a poll URL.
EVALUATE_WAIT_SECONDS = 2.0
POLL_TTL = 600  # the validated profile is kept this long (Redis only) for its poll URL


def _evaluate_anonymous(request, data: dict, *, wait: float) -> Response:
    city = current_city(request)
    answer = rights_evaluate(city=city, data=data, today=local_today(), wait=wait)
    body = rights_json(answer, request)
    if not answer.computing:
        return Response(body)  # done, or the worker is down: the pending aids are listed
    token = secrets.token_urlsafe(24)
    platform_cache.set(f"rights:poll:{city.schema_name}:{token}", data, timeout=POLL_TTL)
    poll = reverse("api-rights-evaluate-poll", args=[token])
    return Response(
        {**body, "poll_url": canonical_url(request, poll)}, status=status.HTTP_202_ACCEPTED
    )


class RightsEvaluateApi(CityAPIView):
    """Anonymous: what would this profile be entitled to? Nothing is stored in the database.

    Amounts computed by OpenFisca come from the worker: when it has not answered within two
    seconds, the answer is 202 with the same shape so far and a `poll_url` to GET."""

    authentication_classes: list = []

    @extend_schema(request=ProfileInputSerializer, tags=["rights"])
    def post(self, request):
        data = ProfileInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        profile = {k: _jsonable(v) for k, v in data.validated_data.items()}
        return _evaluate_anonymous(request, profile, wait=EVALUATE_WAIT_SECONDS)


class RightsEvaluatePollApi(CityAPIView):
    """The result of an anonymous evaluation answered 202: 200 when ready, 202 meanwhile."""

    authentication_classes: list = []

    @extend_schema(tags=["rights"])
    def get(self, request, token: str):
        city = current_city(request)
        data = platform_cache.get(f"rights:poll:{city.schema_name}:{token}")
        if data is None:
            raise NotFound("Cette évaluation a expiré : envoie le profil à nouveau.")
        return _evaluate_anonymous(request, data, wait=0)


def _jsonable(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


class MyRightsApi(CityAPIView):
    permission_classes = [OnCityHost, IsAuthenticated]

    @extend_schema(tags=["rights"])
    def get(self, request):
        def build():
            city, today = current_city(request), local_today()
            person = person_for_request(request, city=city, today=today)
            answer = rights_evaluate(
                city=city,
                data=person.data,
                today=today,
                claimed=person.claimed,
                profile=person.profile,
            )
            body = rights_json(answer, request, signed_in=True)
            # Amounts still computing arrive without a write: the answer watches their key.
            waits_for = None
            if answer.pending:
                inputs = computed.inputs_for(person.data, person.profile.engine, today=today)
                waits_for = computed.result_key(inputs)
            return body, [c.id for c in answer.eligible], waits_for

        answer, how = answer_for(request, kind="rights", build=build)
        record(request, "right_shown", offers=answer.extra)
        return answer_response(request, answer, how)


class RightClaimApi(CityAPIView):
    """POST: "j'ai fait ma demande"; DELETE: undo."""

    permission_classes = [OnCityHost, IsAuthenticated]

    def _offer(self, request, offer_id: str):
        hit = offer_get_for_city(offer_id=offer_id, city=current_city(request))
        if hit is None or hit.offer.kind != "aide":
            raise NotFound("Cette aide n'existe pas.")
        return hit.offer

    def _offer_id(self, request, offer_id: str):
        return self._offer(request, offer_id).pk

    @extend_schema(request=None, tags=["rights"])
    def post(self, request, offer_id: str):
        offer = self._offer(request, offer_id)
        services.right_claim(user=request.user, offer_id=offer.pk)
        record(request, "claim", offer=offer)
        return Response({"claimed": True}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, tags=["rights"])
    def delete(self, request, offer_id: str):
        services.right_unclaim(user=request.user, offer_id=self._offer_id(request, offer_id))
        return Response({"claimed": False})


class MyFeedApi(CityAPIView):
    permission_classes = [OnCityHost, IsAuthenticated]

    class FilterSerializer(serializers.Serializer):
        limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=20)

    @extend_schema(parameters=[FilterSerializer], tags=["feed"])
    def get(self, request):
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        limit = params.validated_data["limit"]

        def build():
            city = current_city(request)
            profile = match_profile_for_user(user=request.user, today=local_today(), city=city)
            items = feed_for(
                profile=profile, candidates=candidates_for_city(city), now=timezone.now(),
                limit=limit,
            )  # fmt: skip
            return feed_json(items, request), None, None

        answer, how = answer_for(request, kind="feed", params=f"limit={limit}", build=build)
        return answer_response(request, answer, how)

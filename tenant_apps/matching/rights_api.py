"""Rights and feed over the API: « mes droits », anonymous evaluation, « pour toi »."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from kernel.clock import local_today
from kernel.errors import NotFound
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from tenant_apps.analytics.recording import record
from tenant_apps.catalogue.selectors import offer_get_for_city
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
from tenants.access import CityAPIView, OnCityHost, current_city

from . import services
from .candidates import Candidate, candidates_for_city
from .feed import FeedItem, feed_for
from .models import RightClaim
from .profiles import match_profile_for_user, match_profile_from_dict
from .rights import Rights, rights_for


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


def offer_json(candidate: Candidate, request) -> dict:
    """The DESIGN.md offer item, plus the amount when known."""
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
        "url": request.build_absolute_uri(offer_path(candidate)),
        "amount": {
            "value": float(candidate.amount_value) if candidate.amount_value is not None else None,
            "unit": candidate.amount_unit,
            "legend": candidate.amount_legend,
            "periodicity": candidate.periodicity,
        },
        "institution": candidate.institution_name,
    }


def rights_json(rights: Rights, request, claimed: set | None = None) -> dict:
    body = {
        "eligible": [offer_json(c, request) for c in rights.eligible],
        "maybe": [
            {
                "offer": offer_json(m.candidate, request),
                "missing": list(m.missing),
                "question": m.question,
            }
            for m in rights.maybe
        ],
        "questions": [
            {"fact": fact, "question": question, "settles": n}
            for fact, question, n in rights.next_questions()
        ],
    }
    if claimed is not None:
        for item, candidate in zip(body["eligible"], rights.eligible, strict=True):
            item["claimed"] = candidate.id in claimed
        body["unclaimed_count"] = sum(1 for c in rights.eligible if c.id not in claimed)
    return body


def feed_json(items: list[FeedItem], request) -> dict:
    results = []
    for item in items:
        entry = offer_json(item.candidate, request)
        entry["reasons"] = list(item.reasons)
        entry["distance_km"] = round(item.distance_km, 2) if item.distance_km is not None else None
        results.append(entry)
    return {"count": len(results), "next": None, "previous": None, "results": results}


class RightsEvaluateApi(CityAPIView):
    """Anonymous: what would this profile be entitled to? Nothing is stored."""

    authentication_classes: list = []

    @extend_schema(request=ProfileInputSerializer, tags=["rights"])
    def post(self, request):
        data = ProfileInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        city = current_city(request)
        profile = match_profile_from_dict(data.validated_data, today=local_today(), city=city)
        rights = rights_for(profile=profile, candidates=candidates_for_city(city))
        body = rights_json(rights, request)
        body.pop("questions")
        for item in body["maybe"]:
            item.pop("question")
        return Response(body)


class MyRightsApi(CityAPIView):
    permission_classes = [OnCityHost, IsAuthenticated]

    @extend_schema(tags=["rights"])
    def get(self, request):
        city = current_city(request)
        profile = match_profile_for_user(user=request.user, today=local_today(), city=city)
        rights = rights_for(profile=profile, candidates=candidates_for_city(city))
        claimed = set(
            RightClaim.objects.filter(user=request.user).values_list("offer_id", flat=True)
        )
        record(request, "right_shown", offers=[c.id for c in rights.eligible])
        return Response(rights_json(rights, request, claimed))


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
        city = current_city(request)
        profile = match_profile_for_user(user=request.user, today=local_today(), city=city)
        items = feed_for(
            profile=profile,
            candidates=candidates_for_city(city),
            now=timezone.now(),
            limit=params.validated_data["limit"],
        )
        return Response(feed_json(items, request))

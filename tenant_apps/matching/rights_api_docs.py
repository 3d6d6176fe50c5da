"""The OpenAPI description of the rights and feed endpoints (rights_api.py), issue 17's contract:

    POST /api/v1/rights/evaluate/          200, or 202 with `pending` and `poll_url`
    GET  /api/v1/rights/evaluate/{token}/  the same, 200 when ready, 202 meanwhile
    GET  /api/v1/me/rights/                the same for the signed-in person, with claims
    POST/DELETE /api/v1/me/rights/{id}/claim/, GET /api/v1/me/feed/

rights_api.py builds its answers as dicts (rights_json, feed_json); these serializers describe
them, and `document()` puts them on its views. Kept apart from rights_api.py while that module
changes (tremplin.apps calls document() at start-up); the decorators can move onto the views.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers


class RightsOfferLocationSerializer(serializers.Serializer):
    commune_insee = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    is_remote = serializers.BooleanField()


class RightsAmountSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True)
    period = serializers.CharField(allow_null=True, help_text="month, year or once.")
    estimate = serializers.BooleanField(help_text="Computed by OpenFisca for this person.")
    unit = serializers.CharField()
    legend = serializers.CharField()
    periodicity = serializers.CharField()


class RightsOfferSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    themes = serializers.ListField(child=serializers.CharField())
    location = RightsOfferLocationSerializer()
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    is_national = serializers.BooleanField()
    url = serializers.URLField()
    amount = RightsAmountSerializer()
    institution = serializers.CharField()
    claimed = serializers.BooleanField(
        required=False, help_text="Signed in: « j'ai fait ma demande » is noted."
    )


class RightsMaybeSerializer(serializers.Serializer):
    offer = RightsOfferSerializer()
    missing = serializers.ListField(child=serializers.CharField())
    question = serializers.CharField(
        required=False, allow_null=True, help_text="Signed in: the question that settles it."
    )


class RightsQuestionSerializer(serializers.Serializer):
    fact = serializers.CharField()
    question = serializers.CharField()
    settles = serializers.IntegerField(help_text="How many « maybe » it would settle.")
    monthly_euros = serializers.FloatField()


class RightsAnswerSerializer(serializers.Serializer):
    eligible = RightsOfferSerializer(many=True)
    maybe = RightsMaybeSerializer(many=True)
    computed_at = serializers.DateTimeField(allow_null=True)
    legislation_date = serializers.DateField()
    pending = RightsOfferSerializer(
        many=True, required=False, help_text="Aids whose amount the worker is still computing."
    )
    poll_url = serializers.URLField(required=False, help_text="With 202: GET it for the rest.")


class MyRightsAnswerSerializer(RightsAnswerSerializer):
    questions = RightsQuestionSerializer(many=True)
    unclaimed_count = serializers.IntegerField()
    unclaimed_monthly_euros = serializers.FloatField()


class RightClaimSerializer(serializers.Serializer):
    claimed = serializers.BooleanField()


class FeedAmountSerializer(serializers.Serializer):
    """The catalogue's amount (the feed computes none)."""

    value = serializers.FloatField(allow_null=True)
    unit = serializers.CharField()
    legend = serializers.CharField()
    periodicity = serializers.CharField()


class FeedOfferSerializer(RightsOfferSerializer):
    amount = FeedAmountSerializer()
    reasons = serializers.ListField(child=serializers.CharField())
    distance_km = serializers.FloatField(allow_null=True)


class FeedSerializer(serializers.Serializer):
    """The first `limit` ideas, in the paginated shape (one page)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = FeedOfferSerializer(many=True)


def document() -> None:
    """Put the descriptions above on rights_api's views (idempotent)."""
    from . import rights_api as api

    evaluated = {200: RightsAnswerSerializer, 202: RightsAnswerSerializer}
    extend_schema_view(post=extend_schema(request=api.ProfileInputSerializer, responses=evaluated))(
        api.RightsEvaluateApi
    )
    extend_schema_view(get=extend_schema(responses=evaluated))(api.RightsEvaluatePollApi)
    extend_schema_view(get=extend_schema(responses={200: MyRightsAnswerSerializer}))(
        api.MyRightsApi
    )
    extend_schema_view(
        post=extend_schema(request=None, responses={201: RightClaimSerializer}),
        delete=extend_schema(request=None, responses={200: RightClaimSerializer}),
    )(api.RightClaimApi)
    extend_schema_view(get=extend_schema(responses={200: FeedSerializer}))(api.MyFeedApi)

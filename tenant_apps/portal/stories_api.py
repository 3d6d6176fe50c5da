"""`GET /api/v1/stories/?scope=local|network`: this city's published stories (`local`, the
default) or those other cities shared (`network`), with `city`, `title`, `body`, `photo_url`
and `offers` (« moi aussi »: id, title, url of an offer here, or a search for similar ones)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny

from shared_apps.network.selectors import stories_from_elsewhere
from tenants.access import CityAPIView, OnCityHost, canonical_url, current_city

from . import selectors


class StoryFilters(serializers.Serializer):
    scope = serializers.ChoiceField(choices=["local", "network"], required=False, default="local")


class StoryOfferSerializer(serializers.Serializer):
    id = serializers.CharField(allow_null=True)
    title = serializers.CharField()
    url = serializers.CharField()


class StorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    scope = serializers.CharField()
    city = serializers.CharField()
    title = serializers.CharField()
    person = serializers.CharField()
    age = serializers.IntegerField(allow_null=True)
    summary = serializers.CharField()
    body = serializers.CharField()
    photo_url = serializers.CharField()
    video_url = serializers.CharField()
    video_text = serializers.CharField()
    offers = StoryOfferSerializer(many=True)
    url = serializers.CharField()


class StoryListApi(CityAPIView):
    permission_classes = [OnCityHost, AllowAny]
    pagination_class = PageNumberPagination

    @extend_schema(
        parameters=[StoryFilters], responses={200: StorySerializer(many=True)}, tags=["portal"]
    )
    def get(self, request):
        params = StoryFilters(data=request.query_params)
        params.is_valid(raise_exception=True)
        paginator = PageNumberPagination()
        if params.validated_data["scope"] == "network":
            page = paginator.paginate_queryset(
                list(stories_from_elsewhere(city=current_city(request))), request, view=self
            )
            items = [self._network(request, s) for s in page]
        else:
            page = paginator.paginate_queryset(
                list(selectors.inspiration_list_published()), request, view=self
            )
            items = [self._local(request, s) for s in page]
        return paginator.get_paginated_response(StorySerializer(items, many=True).data)

    def _local(self, request, story) -> dict:
        return {
            "id": story.pk,
            "scope": "local",
            "city": current_city(request).name,
            "title": story.title,
            "person": story.person,
            "age": story.age,
            "summary": story.summary,
            "body": story.body,
            "photo_url": canonical_url(request, story.photo.url) if story.photo else "",
            "video_url": story.video_url,
            "video_text": story.video_text,
            "offers": [
                {
                    "id": str(o.pk),
                    "title": o.title,
                    "url": canonical_url(request, f"/offres/{o.pk}/"),
                }
                for o in selectors.offers_of_story(story.offer_ids)
            ],
            "url": canonical_url(request, f"/inspirations/{story.pk}/"),
        }

    def _network(self, request, story) -> dict:
        return {
            "id": story.pk,
            "scope": "network",
            "city": story.city.name,
            "title": story.title,
            "person": story.person,
            "age": story.age,
            "summary": story.summary,
            "body": story.body,
            "photo_url": story.photo_url,
            "video_url": story.video_url,
            "video_text": story.video_text,
            "offers": [
                {
                    "id": None if link.get("similar") else link["url"].split("/")[2],
                    "title": link["label"],
                    "url": canonical_url(request, link["url"]),
                }
                for link in selectors.me_too_links(story.offers)
            ],
            "url": canonical_url(request, f"/inspirations/ailleurs/{story.pk}/"),
        }

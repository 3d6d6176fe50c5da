"""The Stripe webhook endpoint (public host): verify, store once, acknowledge."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .services import BadSignature, MalformedEvent, stripe_event_receive


@csrf_exempt  # Stripe signs the payload instead
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    try:
        event, created = stripe_event_receive(
            payload=request.body, signature=request.headers.get("Stripe-Signature")
        )
    except (BadSignature, MalformedEvent) as exc:
        return JsonResponse(exc.as_dict(), status=400)
    return JsonResponse({"received": event.event_id, "duplicate": not created})

"""Health endpoints and the friendly error pages, served on every host."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from tenants.pages import any_host_page


@any_host_page
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up."""
    return JsonResponse({"status": "ok"})


@any_host_page
def readyz(request: HttpRequest) -> JsonResponse:
    """The database and Redis answer; 503 naming what is down otherwise."""
    checks = {"database": _database_check(), "redis": _redis_check()}
    down = [name for name, value in checks.items() if value != "ok"]
    if not down:
        return JsonResponse({"status": "ok", "checks": checks})
    response = JsonResponse({"status": "unavailable", "checks": checks, "down": down}, status=503)
    response["Retry-After"] = "10"
    return response


def _database_check() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _redis_check() -> str:
    # The cache hides an unreachable Redis from everyone else (kernel/redis_cache.py): ask it.
    ping = getattr(cache, "ping", None)
    try:
        if ping is not None:
            error = ping()
            return f"error: {error}" if error else "ok"
        cache.set("readyz", "1", timeout=5)
        return "ok" if cache.get("readyz") == "1" else "error"
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": "not_found", "message": "Introuvable.", "fields": {}}}, status=404
        )
    return render(request, "tremplin/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "error": {
                    "code": "server_error",
                    "message": "Erreur interne, nous sommes prévenus.",
                    "fields": {},
                }
            },
            status=500,
        )
    return render(request, "tremplin/500.html", status=500)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": "bad_request", "message": "Requête invalide.", "fields": {}}},
            status=400,
        )
    return render(request, "tremplin/400.html", status=400)

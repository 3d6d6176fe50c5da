"""Health endpoints and the friendly error pages, served on every host."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils._os import safe_join

from tenants.pages import any_host_page


@any_host_page
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up."""
    return JsonResponse({"status": "ok"})


@any_host_page
def bench_ceiling(request: HttpRequest) -> JsonResponse:
    """The load benchmark's yardstick: the whole middleware stack, then no query and no cache
    read (routed only with TREMPLIN_BENCH_CEILING on)."""
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


# Uploaded files. Caddy serves /media/ in production with the same headers
# (deploy/caddy/Caddyfile); this view serves it in development, or wherever no proxy does
# (TREMPLIN_SERVE_MEDIA). Only the kinds of file services write are answered: images
# re-encoded by kernel/images.py, advisors' videos (checked by their service), the demo's
# drawn SVG illustrations (never an upload: uploaded SVG is refused). nosniff, a sandboxing
# CSP and an attachment disposition mean nothing under /media/ ever runs or renders as a page
# of the city's origin, even opened directly; <img> and <video> ignore the disposition.
MEDIA_TYPES = {
    "png": "image/png",
    "webp": "image/webp",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "svg": "image/svg+xml",
    "mp4": "video/mp4",
    "webm": "video/webm",
}
MEDIA_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Content-Disposition": "attachment",
    "Cache-Control": "public, max-age=86400",
}


@any_host_page
def media(request: HttpRequest, path: str) -> HttpResponse:
    extension = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if not settings.TREMPLIN_SERVE_MEDIA or extension not in MEDIA_TYPES:
        raise Http404
    try:
        full_path = safe_join(settings.MEDIA_ROOT, path)
        handle = open(full_path, "rb")  # noqa: SIM115 (FileResponse closes it)
    except (OSError, SuspiciousFileOperation) as exc:  # missing, a folder, outside MEDIA_ROOT
        raise Http404 from exc
    response = FileResponse(handle, content_type=MEDIA_TYPES[extension])
    for header, value in MEDIA_HEADERS.items():
        response[header] = value
    return response

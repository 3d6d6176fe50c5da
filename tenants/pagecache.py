"""Anonymous city pages from Redis: one render per city, generation, language and URL.

`@anonymous_cached(*names)` goes under a page guard (tenants.pages). A visitor who carries no
session and no message cookie (so no account, no answers, nothing to show but the page), asking
GET or HEAD, gets the page as rendered for the first such visitor, until one of the named
generations of the city moves (tenants.generations: a publish, a branding edit, a new story…;
seen by every process within a second) or TTL_SECONDS pass (the page shows what is upcoming).
Nothing is read from the database for such a page: not the session, not the branding, not the
host (tenants.resolution keeps it in the process).

What a cached body must not share between visitors is taken out of it before it is stored and
put back into each response:
- the CSP nonce (base.html's inline style and script): each response gets a fresh one, in its
  header and in its body. A 304 carries no CSP header at all, so the browser keeps the header
  it stored with the body it re-uses (a 304's headers replace the stored ones);
- the CSRF token of a form (the home page's three questions): each response gets a token of the
  visitor's own CSRF cookie, set by CsrfViewMiddleware as for any page. The ETag names that
  cookie's digest, so a browser never revalidates a body holding another cookie's token.
The placeholders are random per stored entry, so no content can forge one. A response that sets
a cookie of its own, touches the session or adds a message is not stored.

Responses carry an ETag and `Cache-Control: no-cache`: a browser asks again each time, and a
matching If-None-Match gets a 304 without a body.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .access import current_city
from .cache import platform_cache
from .generations import EVERY_CITY, generations

TTL_SECONDS = 60
MAX_QUERY_LENGTH = 200  # longer query strings (rare, or a flood of made-up ones) are rendered
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    content_type: str
    etag: str  # quoted, without the CSRF part
    nonce_mark: bytes  # b"" when the page has no nonce
    csrf_mark: bytes  # b"" when the page has no form token
    event: object = None  # what the view left in `response.page_event`, for `on_hit`


def visitor_is_anonymous(request: HttpRequest) -> bool:
    """No session cookie, no message cookie, no API credentials: nothing personal to show."""
    cookies = request.COOKIES
    return not (
        settings.SESSION_COOKIE_NAME in cookies
        or CookieStorage.cookie_name in cookies
        or "HTTP_AUTHORIZATION" in request.META
    )


def _key(request: HttpRequest, names: tuple[str, ...]) -> str | None:
    city = request.city
    # Each name counts in the city and for every city (the national catalogue, say).
    pairs = [(name, scope) for name in names for scope in (city.schema_name, EVERY_CITY)]
    version = generations.version(pairs)
    if version is None:  # Redis unreachable: render
        return None
    # The city's own fields the pages show (a rename, a new domain) are part of what is asked.
    asked = "\n".join((city.name, city.primary_host, request.scheme, request.get_full_path()))
    path = hashlib.blake2b(asked.encode(), digest_size=12).hexdigest()
    return f"pages:{city.schema_name}:{version}:{translation.get_language()}:{path}"


def _csrf_part(request: HttpRequest) -> str:
    cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    return hashlib.blake2b(cookie.encode(), digest_size=4).hexdigest() if cookie else "new"


def _etag(page: CachedPage, request: HttpRequest) -> str:
    if not page.csrf_mark:
        return page.etag
    return f'{page.etag[:-1]}-{_csrf_part(request)}"'


def _not_modified(request: HttpRequest, etag: str) -> bool:
    asked = request.META.get("HTTP_IF_NONE_MATCH", "")
    return bool(asked) and (asked.strip() == "*" or etag in {t.strip() for t in asked.split(",")})


def _serve(request: HttpRequest, page: CachedPage) -> HttpResponse:
    etag = _etag(page, request)
    if _not_modified(request, etag):
        response: HttpResponse = HttpResponseNotModified()
        response._csp_exempt = True  # the browser keeps the CSP stored with its body
    else:
        body = page.body
        if page.nonce_mark:
            body = body.replace(page.nonce_mark, str(request.csp_nonce).encode())
        if page.csrf_mark:
            body = body.replace(page.csrf_mark, get_token(request).encode())
        response = HttpResponse(body, content_type=page.content_type)
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    patch_vary_headers(response, ("Cookie",))
    return response


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    messages = getattr(request, "_messages", None)
    return (
        response.status_code == 200
        and getattr(response, "page_cacheable", True)
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
        and not (session is not None and session.modified)
        and not (messages is not None and getattr(messages, "added_new", False))
    )


def _store(request: HttpRequest, response: HttpResponse, key: str) -> CachedPage:
    body = response.content
    nonce_mark = csrf_mark = b""
    nonce = getattr(request, "_csp_nonce", None)  # set by django-csp once a template used it
    if isinstance(nonce, str) and nonce.encode() in body:
        nonce_mark = f"nonce-{secrets.token_hex(12)}".encode()
        body = body.replace(nonce.encode(), nonce_mark)
    tokens = set(CSRF_INPUT.findall(body))
    if tokens:
        csrf_mark = f"csrf-{secrets.token_hex(26)}".encode()
        for token in tokens:
            body = body.replace(token, csrf_mark)
    digest = hashlib.blake2b(body, digest_size=10).hexdigest()
    page = CachedPage(
        body,
        response["Content-Type"],
        f'"{digest}"',
        nonce_mark,
        csrf_mark,
        getattr(response, "page_event", None),
    )
    platform_cache.set(key, page, timeout=TTL_SECONDS)
    return page


def anonymous_data(
    request,
    names: tuple[str, ...],
    build: Callable[[], tuple[object, object]],
    *,
    params: tuple[str, ...] = (),
    on_hit: Callable[[object, object], None] | None = None,
) -> object:
    """An API endpoint's answer for an anonymous caller, from the cache: `build()` returns
    (data, event) on a miss; on a hit `on_hit(request, event)` runs, as for pages (and as for
    them, only with query parameters in `params`). Callers with a token or a session, and
    every call while Redis is unreachable, get `build()`."""
    city = current_city(request)
    if (
        city is None
        or len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_LENGTH
        or not visitor_is_anonymous(request)
        or any(name not in params for name in request.GET)
    ):
        return build()[0]
    request.city = city
    key = _key(request, names)
    if key is None:
        return build()[0]
    key = "api:" + key
    stored = platform_cache.get(key)
    if isinstance(stored, tuple) and len(stored) == 2:
        data, event = stored
        if on_hit is not None and event is not None:
            on_hit(request, event)
        return data
    data, event = build()
    platform_cache.set(key, (data, event), timeout=TTL_SECONDS)
    return data


def anonymous_cached(
    *names: str,
    params: tuple[str, ...] = (),
    on_hit: Callable[[HttpRequest, object], None] | None = None,
):
    """Serve anonymous visitors this page from cache, per city and per generation of `names`
    (each bumped in the city by the writes the page shows).

    Only URLs whose query parameters are all in `params` are cached (others, a made-up `?x=…`
    or a free-text search, are rendered: a flood of distinct URLs cannot fill Redis), and a view
    can keep one response out with `response.page_cacheable = False` (say, invalid filters).

    `on_hit(request, event)` runs for each page served from the cache (a 304 too), with what the
    view that rendered it left in `response.page_event`: what a render does besides rendering
    (counting a view for analytics) still happens once per visit."""

    def decorator(view):
        @wraps(view)
        def cached(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if (
                request.method not in ("GET", "HEAD")
                or len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_LENGTH
                or getattr(request, "city", None) is None
                or not visitor_is_anonymous(request)
                or any(name not in params for name in request.GET)
            ):
                return view(request, *args, **kwargs)
            key = _key(request, names)
            if key is None:
                return view(request, *args, **kwargs)
            page = platform_cache.get(key)
            if isinstance(page, CachedPage):
                if on_hit is not None and page.event is not None:
                    on_hit(request, page.event)
                return _serve(request, page)
            response = view(request, *args, **kwargs)
            if not _storable(request, response):
                return response
            page = _store(request, response, key)
            response["ETag"] = _etag(page, request)
            response["Cache-Control"] = "no-cache"
            patch_vary_headers(response, ("Cookie",))
            return response

        return cached

    return decorator

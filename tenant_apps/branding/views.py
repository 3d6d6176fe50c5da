"""A city's home page, its editable pages, its web app manifest, icon and service worker,
and the admin's branding screens under /staff/branding/."""

from __future__ import annotations

import json
from xml.sax.saxutils import escape

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from kernel.errors import ApplicationError
from kernel.forms import add_application_error

from tenants.pages import city_page, is_city_admin, staff_page

from .forms import BrandingForm, PageForm
from .models import SOCIAL_NETWORKS, PageSlug
from .selectors import branding_get, page_get, social_links_list
from .services import DEFAULT_PRIMARY, branding_update, page_default, page_update


@city_page
def city_home(request: HttpRequest) -> HttpResponse:
    return render(request, "branding/city_home.html")


@city_page
def page(request: HttpRequest, slug: str) -> HttpResponse:
    stored = page_get(slug=slug)
    title, body = (
        (stored.title, stored.body) if stored else page_default(slug, city_name=request.city.name)
    )
    return render(
        request,
        "branding/page.html",
        {
            "title": title,
            "body": body,
            "slug": slug,
            "social_links": social_links_list(branding_get()),
        },
    )


@city_page
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "branding/offline.html")


def _names(request: HttpRequest) -> tuple[str, str, str]:
    city = request.city
    branding = branding_get()
    name = (branding.display_name if branding else "") or city.name
    color = branding.primary_color if branding else DEFAULT_PRIMARY
    return name, color, city.slug


@cache_control(max_age=300)
@city_page
def manifest(request: HttpRequest) -> HttpResponse:
    name, color, _slug = _names(request)
    body = {
        "name": f"Tremplin {name}",
        "short_name": name if len(name) <= 12 else name[:12].rstrip(" -"),
        "lang": "fr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": color,
        "background_color": "#FFFFFF",
        "icons": [
            {"src": "/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
            {"src": "/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "maskable"},
        ],
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), content_type="application/manifest+json"
    )


@cache_control(max_age=300)
@city_page
def icon(request: HttpRequest) -> HttpResponse:
    """A square icon: the city's initial in white on its primary colour."""
    name, color, _slug = _names(request)
    initial = escape(next((c for c in name if c.isalnum()), "T").upper())
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="512" height="512">'
        f'<rect width="512" height="512" fill="{escape(color)}"/>'
        '<text x="256" y="256" dy=".35em" text-anchor="middle" fill="#FFFFFF" '
        'font-family="system-ui,-apple-system,Segoe UI,Roboto,sans-serif" font-size="300" '
        f'font-weight="700">{initial}</text></svg>'
    )
    return HttpResponse(svg, content_type="image/svg+xml")


@city_page
def service_worker(request: HttpRequest) -> HttpResponse:
    _name, _color, slug = _names(request)
    response = render(
        request,
        "branding/sw.js",
        {"cache_prefix": f"tremplin-{slug}"},
        content_type="application/javascript",
    )
    # Browsers check for a new worker at most daily anyway; never let a proxy keep an old one.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


# Staff: the city admin only.


@staff_page(is_city_admin)
def staff_branding(request: HttpRequest) -> HttpResponse:
    branding = branding_get()
    initial = {
        "display_name": branding.display_name,
        "primary_color": branding.primary_color,
        "secondary_color": branding.secondary_color,
        "welcome_text": branding.welcome_text,
        **{f"social_{k}": (branding.social_links or {}).get(k, "") for k in SOCIAL_NETWORKS},
    }
    form = BrandingForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            branding_update(
                by=request.user,
                display_name=data["display_name"],
                primary_color=data["primary_color"],
                secondary_color=data["secondary_color"],
                welcome_text=data["welcome_text"],
                social_links=form.social_links(),
                logo=data.get("logo") or None,
                remove_logo=data["remove_logo"],
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("L'identité de la ville est enregistrée."))
            return redirect("branding:staff")
    social_fields = [form[f"social_{key}"] for key in SOCIAL_NETWORKS]
    return render(
        request,
        "branding/staff_branding.html",
        {"form": form, "social_fields": social_fields, "pages": PageSlug.choices},
    )


@staff_page(is_city_admin)
def staff_page_edit(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in PageSlug.values:
        raise Http404
    stored = page_get(slug=slug)
    title, body = (
        (stored.title, stored.body) if stored else page_default(slug, city_name=request.city.name)
    )
    form = PageForm(request.POST or None, initial={"title": title, "body": body})
    if request.method == "POST" and form.is_valid():
        try:
            page_update(by=request.user, slug=slug, **form.cleaned_data)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("La page est enregistrée."))
            return redirect("branding:staff")
    return render(
        request,
        "branding/staff_page.html",
        {"form": form, "slug": slug, "label": PageSlug(slug).label},
    )

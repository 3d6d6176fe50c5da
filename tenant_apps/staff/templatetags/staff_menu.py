"""The staff menu: every back-office page the signed-in person's role may open, and no other.

Whether a page is shown is asked of the page itself: its guard (tenants.pages.staff_page)
carries the role predicate that lets people in, so the menu and the 403 can never disagree.
Pages are named by URL name, never imported: the apps they belong to stay where they are.
"""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, resolve, reverse

from tenants.pages import page_access

register = template.Library()

# (URL name, label), in menu order. A page of an app that is not installed is left out.
STAFF_MENU = (
    ("staff:offers", "Offres"),
    ("staff:reviews", "Relecture"),
    ("staff:structures", "Structures"),
    ("staff:national", "Catalogue national"),
    ("portal:staff-registrations", "Inscriptions"),
    ("portal:staff-inspirations", "Inspirations"),
    ("staff:advisors", "Accompagnement"),
    ("meetups:staff-meetings", "Adopte un pro"),
    ("matching:agenda", "Mon agenda"),
    ("staff:imports", "Importer"),
    ("analytics:diagnostic", "Diagnostic"),
    ("voice:staff-polls", "Avis des jeunes"),
    ("voice:staff-ideas", "Idées des jeunes"),
    ("staff:audit", "Journal"),
    ("staff:inbox", "Messages"),
    ("staff:team", "Équipe"),
    ("branding:staff", "Identité et pages"),
    ("features:settings", "Fonctionnalités"),
    ("staff:billing", "Facturation"),
)


def menu_items(user, current_path: str = "") -> list[dict]:
    """The entries `user` may open: {"url", "label", "current"}."""
    items = []
    for name, label in STAFF_MENU:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        access = page_access(resolve(url).func)
        if access is None or (access.allow is not None and not access.allow(user)):
            continue
        items.append({"url": url, "label": label, "current": False})
    # The entry whose address is the longest start of the current page's is the current one.
    matching = [item for item in items if current_path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["current"] = True
    return items


@register.inclusion_tag("staff/_menu.html", takes_context=True)
def staff_menu(context) -> dict:
    request = context["request"]
    return {"items": menu_items(request.user, request.path)}

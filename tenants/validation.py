"""Input rules for cities and hosts, pure functions shared by services, API and commands."""

from __future__ import annotations

import re

from kernel.text import fold

SLUG_RE = re.compile(r"^[a-z0-9](-?[a-z0-9])+$")
SLUG_MIN, SLUG_MAX = 3, 40
INSEE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
# A territory is at most this many communes (the largest EPCI of the shipped reference has 158).
MAX_COMMUNES = 200
NO_TERRITORY = "Indique la commune (code INSEE), la liste des communes ou le code de l'EPCI."
HOST_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")

# Sub-domains kept for the platform itself or too easy to abuse for phishing.
RESERVED_SLUGS = frozenset(
    {
        "admin", "api", "app", "apps", "assets", "auth", "billing", "blog", "cdn", "console",
        "dashboard", "dev", "docs", "ftp", "help", "imap", "login", "mail", "media", "mx",
        "ns1", "ns2", "operator", "pop", "pop3", "portal", "public", "smtp", "sso", "staff",
        "staging", "static", "status", "support", "test", "tremplin", "webmail", "www",
    }
)  # fmt: skip


def slug_errors(slug: str) -> list[str]:
    if not slug:
        return ["L'identifiant est obligatoire."]
    if not (SLUG_MIN <= len(slug) <= SLUG_MAX):
        return [f"L'identifiant doit faire entre {SLUG_MIN} et {SLUG_MAX} caractères."]
    if not SLUG_RE.match(slug):
        return [
            "L'identifiant ne peut contenir que des minuscules sans accents, des chiffres et "
            "des tirets simples, sans tiret au début ni à la fin."
        ]
    if slug in RESERVED_SLUGS:
        return [f"« {slug} » est réservé par la plateforme."]
    return []


def territory_errors(codes: list[str], *, single: bool = False) -> list[str]:
    """Shape of a territory's INSEE codes (whether the communes exist is the reference's say)."""
    if not codes:
        return ["Indique au moins une commune."]
    if len(codes) > MAX_COMMUNES:
        return [f"Un territoire compte {MAX_COMMUNES} communes au plus."]
    malformed = [code for code in codes if not INSEE_RE.match(code)]
    if malformed and single:
        return ["Le code INSEE comporte 5 caractères (par exemple 91286)."]
    if malformed:
        shown = ", ".join(f"« {code[:12]} »" for code in malformed[:5])
        return [f"Un code INSEE comporte 5 caractères (par exemple 91286) : {shown}."]
    return []


def normalize_host(host: str) -> str:
    """Lowercase, no port, no trailing dot; '' when the value cannot be a host name."""
    host = (host or "").strip().lower()
    if host.startswith("[") or host.count(":") > 1:  # IPv6 literals never name a city
        return ""
    host = host.split(":", 1)[0].rstrip(".")
    if not host or len(host) > 253:
        return ""
    if not all(HOST_LABEL_RE.match(label) for label in host.split(".")):
        return ""
    return host


def domain_errors(host: str, *, slug: str, base_domain: str) -> list[str]:
    normalized = normalize_host(host)
    if not normalized or "." not in normalized:
        return ["Ce nom de domaine n'est pas valide."]
    if normalized == base_domain:
        return ["Le domaine de la plateforme ne peut pas être attribué à une ville."]
    if normalized.endswith("." + base_domain) and normalized != f"{slug}.{base_domain}":
        return [
            f"Sous le domaine de la plateforme, seule l'adresse {slug}.{base_domain} est possible."
        ]
    return []


def slug_suggest(name: str, *, departement: str = "", taken: frozenset[str] = frozenset()) -> str:
    """A valid, free slug from a commune's name: "L'Haÿ-les-Roses" → "l-hay-les-roses".

    Falls back to adding the département ("saint-denis-93"), then a number, when the plain
    form is reserved or in `taken`. Returns "" when the name has nothing usable.
    """
    base = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:SLUG_MAX].strip("-")
    if not base:
        return ""
    candidates = [base]
    if departement:
        candidates.append(f"{base[: SLUG_MAX - len(departement) - 1].strip('-')}-{departement}")
    candidates += [f"{base[: SLUG_MAX - 3].strip('-')}-{n}" for n in range(2, 100)]
    for candidate in candidates:
        candidate = candidate.lower()
        if not slug_errors(candidate) and candidate not in taken:
            return candidate
    return ""

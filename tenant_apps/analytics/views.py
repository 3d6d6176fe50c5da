"""The diagnostic at /staff/diagnostic/ (page, CSV export) and the apply-link redirect."""

from __future__ import annotations

import csv

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from tenant_apps.catalogue.permissions import can_publish, can_write
from tenant_apps.catalogue.selectors import offer_get_for_city
from tenant_apps.youth.models import Neighbourhood
from tenants.features import feature_enabled
from tenants.pages import city_page, staff_page

from . import wording
from .charts import bar_chart
from .forms import FiltersSerializer, can_see_diagnostic
from .recording import record
from .selectors import DiagnosticFilters, default_filters, diagnostic_cached

EXPORT_FLAG = "diagnostic_export"


# City host; anonymous → sign-in; youth and partners → 403 page (the back-office's own gate).
diagnostic_view = staff_page(can_see_diagnostic)


def _filters(request: HttpRequest) -> tuple[DiagnosticFilters, dict]:
    form = FiltersSerializer(data=request.GET)
    if form.is_valid():
        return form.to_filters(), {}
    return default_filters(), {k: v[0] for k, v in form.errors.items()}


@diagnostic_view
def dashboard(request: HttpRequest) -> HttpResponse:
    filters, errors = _filters(request)
    data = diagnostic_cached(filters=filters)
    for section in data["sections"]:
        for table in section["tables"]:
            # Only counts are drawn (a table's euros column is read in the table).
            columns = table["columns"][: wording.TABLES[table["id"]].charted]
            table["svg"] = bar_chart(
                chart_id=f"chart-{table['id']}",
                title=table["title"],
                description=table["description"],
                rows=table["rows"][:15] if len(columns) > 3 else table["rows"],
                columns=columns if len(columns) <= 3 else columns[:1],
            )
            table["chart"] = len(columns) <= 3
    city = request.city
    return render(
        request,
        "analytics/diagnostic.html",
        {
            "data": data,
            "filters": filters,
            "errors": errors,
            "neighbourhoods": Neighbourhood.objects.all(),
            "communes": _territory_communes(request.city),
            "can_export": feature_enabled(city, EXPORT_FLAG),
            "query": request.GET.urlencode(),
            "can_write": can_write(request.user),
            "can_publish": can_publish(request.user),
        },
    )


def _territory_communes(city) -> list:
    """The territory's communes for the commune filter ([] for a single-commune city)."""
    from shared_apps.geo.communes import commune_get

    if not city.is_territory:
        return []
    return [c for c in map(commune_get, city.commune_codes) if c is not None]


@diagnostic_view
def export_csv(request: HttpRequest) -> HttpResponse:
    """Every table of the diagnostic as one CSV (section, table, row, column, value)."""
    if not feature_enabled(request.city, EXPORT_FLAG):
        return render(request, "analytics/export_disabled.html", status=403)
    filters, _errors = _filters(request)
    data = diagnostic_cached(filters=filters)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="diagnostic-{filters.date_from:%Y-%m}-{filters.date_to:%Y-%m}.csv"'
    )
    response.write("\ufeff")  # so spreadsheet software reads the accents right
    writer = csv.writer(response, delimiter=";")
    writer.writerow(["rubrique", "tableau", "ligne", "colonne", "valeur"])
    period = data["period"]
    writer.writerow(["période", "", "du", "", period["from"]])
    writer.writerow(["période", "", "au", "", period["to"]])
    writer.writerow(["période", "", "quartier", "", period["neighbourhood"] or "toute la ville"])
    for section in data["sections"]:
        for figure in section["figures"]:
            writer.writerow([section["title"], "", figure["label"], "", figure["value"]])
        for table in section["tables"]:
            for row in table["rows"]:
                for column, value in zip(table["columns"], row["values"], strict=False):
                    writer.writerow([section["title"], table["title"], row["label"], column, value])
    _write_voice(writer, data["youth_voice"])
    return response


def _write_voice(writer, voice: dict) -> None:
    """« Ce que disent les jeunes » in the CSV's columns: one poll per table."""
    title = voice["title"]
    count_column, mean_column = wording.VOICE_RATINGS_COLUMNS
    for poll in voice["polls"]:
        writer.writerow([title, poll["title"], "", wording.VOICE_RESPONSES, poll["responses"]])
        if poll["suppressed"]:
            continue
        for q in poll["questions"]:
            for c in q.get("choices", []):
                writer.writerow([title, poll["title"], q["label"], c["label"], c["count"]])
            for c in q.get("scale", []):
                note = f"{c['value']} sur 5"
                writer.writerow([title, poll["title"], q["label"], note, c["count"]])
            if q.get("mean") is not None:
                writer.writerow([title, poll["title"], q["label"], wording.VOICE_MEAN, q["mean"]])
            if "texts_count" in q:
                writer.writerow(
                    [title, poll["title"], q["label"], wording.VOICE_RESPONSES, q["texts_count"]]
                )
    for idea in voice["ideas"]:
        row = [title, wording.VOICE_IDEAS, idea["title"], wording.VOICE_IDEAS_COLUMN]
        writer.writerow([*row, idea["supports"]])
    for event in voice["event_ratings"]:
        row = [title, wording.VOICE_RATINGS, event["title"]]
        writer.writerow([*row, count_column, event["count"]])
        writer.writerow([*row, mean_column, event["mean"]])


@city_page
def apply_redirect(request: HttpRequest, offer_id) -> HttpResponse:
    """/offres/<id>/postuler/: count the click to apply, then go to the offer's apply link."""
    hit = offer_get_for_city(offer_id=offer_id, city=request.city)
    if hit is None or not hit.offer.apply_url:
        raise Http404
    record(request, "apply", offer=hit.offer)
    return HttpResponseRedirect(hit.offer.apply_url)

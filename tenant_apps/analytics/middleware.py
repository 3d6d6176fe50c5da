"""Counts a scan of a city's QR codes (tenant_apps.portal.qr): the code opens an ordinary page
with `?src=qr-<kind>`; this records one `scan` event, whose source is that tag, and lets the page
answer as usual (from its cache, if it has one). Anything else in `src` is ignored."""

from __future__ import annotations

import re

from .recording import record

SCAN_SOURCE = re.compile(r"qr-(offre|evenement|structure|ville)")


class ScanRecordingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = request.GET.get("src", "") if request.method == "GET" else ""
        if source and SCAN_SOURCE.fullmatch(source):
            record(request, "scan", query=source)  # on a city's host only (record checks)
        return self.get_response(request)

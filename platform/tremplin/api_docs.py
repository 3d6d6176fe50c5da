"""The Swagger UI page, under the strict Content-Security-Policy but for its styles.

drf-spectacular's split view serves the page and its start-up script as two responses, so no
inline script is needed; Swagger UI styles itself with inline styles and draws its icons
from data: URLs, which only these responses allow (settings/security.py has the policy).
"""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularSwaggerSplitView

from tenants.pages import any_host_page

DOCS_POLICY = {"style-src": [UNSAFE_INLINE], "img-src": [SELF, "data:"]}


@any_host_page
@method_decorator(csp_update(DOCS_POLICY), name="get")
class ApiDocsView(SpectacularSwaggerSplitView):
    pass

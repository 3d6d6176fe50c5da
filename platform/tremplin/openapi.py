"""The OpenAPI schema as the API really answers (drf-spectacular), on both kinds of host.

- Component names: an API class's nested `InputSerializer` / `OutputSerializer` is named after
  its class (`SignupApi.OutputSerializer` -> `SignupApiOutput`), so two endpoints' serializers
  never share one component (they all used to be `Input` and `Output`).
- The bearer scheme of shared_apps.accounts.authentication, documented.
- Every operation documents the one error shape, `{"error": {"code", "message", "fields"}}`
  (kernel/api.py), for the 4xx statuses it can answer: a postprocessing hook adds them.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

ERROR_COMPONENT = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": "Every refusal: a stable code, a French message, per-field messages.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "example": "validation_error"},
                "message": {"type": "string", "example": "Certaines données sont invalides."},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["code", "message", "fields"],
        }
    },
    "required": ["error"],
}
ERROR_STATUSES = {
    "400": "Données invalides.",
    "401": "Authentification requise, ou jeton invalide.",
    "403": "Accès refusé.",
    "404": "Introuvable (ou pas sur ce domaine).",
    "409": "Conflit avec l'état actuel (déjà fait, déjà pris…).",
    "429": "Trop de requêtes : réessaie après le délai de l'en-tête Retry-After.",
}
HTTP_METHODS = {"get", "put", "patch", "post", "delete", "head", "options", "trace"}
WRITE_METHODS = {"post", "put", "patch", "delete"}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's, naming nested serializers after the API class that holds them."""

    def get_serializer_name(self, serializer, direction: str) -> str:
        # Called only for serializers not named on purpose (component_name, Meta.ref_name);
        # drf-spectacular then drops the "Serializer" ending.
        owner, _, own = type(serializer).__qualname__.rpartition(".")
        return f"{owner.rsplit('.', 1)[-1]}{own}" if owner else own


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """`Authorization: Bearer <token>`, from POST /api/v1/auth/token/, valid on its host only."""

    target_class = "shared_apps.accounts.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Jeton de POST /api/v1/auth/token/, valable sur le domaine qui l'a "
            "émis seulement.",
        }


def document_errors(result, generator, request, public):
    """Postprocessing hook: the error shape on every operation, for the statuses it can get.

    400 where the operation takes input, 401/403/404/429 everywhere (a bad token, a city that
    is not this host's, a rate limit), 409 on writes. Statuses an operation documents itself
    are left as they are.
    """
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components[ERROR_COMPONENT] = ERROR_SCHEMA
    reference = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            takes_input = bool(operation.get("requestBody") or operation.get("parameters"))
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                if status == "400" and not (takes_input or method in WRITE_METHODS):
                    continue
                if status == "409" and method not in WRITE_METHODS:
                    continue
                content = {"application/json": {"schema": reference}}
                responses.setdefault(status, {"description": description, "content": content})
    return result

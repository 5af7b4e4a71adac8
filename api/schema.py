"""The OpenAPI schema: every operation declares each problem status it can answer."""

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from api.exceptions import PROBLEM_CONTENT_TYPE


class ProblemFieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="Dotted path of the failing field; empty for the body.")
    code = serializers.CharField()
    detail = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, the body of every error."""

    type = serializers.URLField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField()
    instance = serializers.CharField()
    errors = ProblemFieldErrorSerializer(many=True)
    required_scopes = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Only on a 403 for a missing scope: the scopes the operation needs.",
    )


# Statuses any authenticated operation may answer: a bad filter or page size (400), a
# missing or dead key (401), a missing scope (403), an object the key may not see or a cursor
# the API did not give out (404), an Accept the API cannot serve (406), the rate limit (429).
COMMON = {
    "400": "Invalid query parameters (a filter or `page_size`).",
    "401": "Missing, malformed, expired or revoked API key.",
    "403": "The key lacks the scope of this operation; `required_scopes` names it.",
    "404": "No such object for this key, or a `cursor` the API did not give out.",
    "406": "The Accept header asks for a format the API does not serve.",
    "429": "Rate limit of the key exceeded; see Retry-After.",
}
# Statuses of operations with a request body.
WRITES = {
    "400": (
        "Malformed JSON, unknown fields or invalid values; `errors` names each field (the "
        'body, field `""`, for malformed JSON).'
    ),
    "409": (
        "The change is not allowed now, or a request with this Idempotency-Key is running "
        "or was a different request."
    ),
    "413": "The request body is too large.",
    "415": "The body is not JSON.",
}


class ProblemAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response" or getattr(self.view, "schema_public", False):
            return responses
        problem = self.resolve_serializer(ProblemSerializer, "response").ref
        statuses = dict(COMMON)
        if self.method in ("POST", "PUT", "PATCH"):
            statuses.update(WRITES)
        for code, description in statuses.items():
            responses.setdefault(
                code,
                {
                    "description": description,
                    "content": {PROBLEM_CONTENT_TYPE: {"schema": problem}},
                },
            )
        return responses


def forbid_unknown_request_fields(result, generator, request, public):
    """Request bodies are closed objects: the API refuses unknown fields (400), so the schema
    says ``additionalProperties: false`` on every request component."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    return result


# Examples of the parameters every operation shares, so each operation has a complete example
# request (Schemathesis sends them in its examples phase): an id, a page size, an
# Idempotency-Key.
PARAMETER_EXAMPLES = {
    ("path", "id"): ("An id", "4182"),
    ("query", "page_size"): ("Twenty rows", 20),
    ("header", "Idempotency-Key"): ("A UUID", "5f0c2a9e-8d1b-4c3e-9a7f-2b6d4e8c1a35"),
}


def add_parameter_examples(result, generator, request, public):
    """Give the shared parameters of every operation an example (``PARAMETER_EXAMPLES``)."""
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                example = PARAMETER_EXAMPLES.get((parameter["in"], parameter["name"]))
                if example is not None and "examples" not in parameter:
                    summary, value = example
                    parameter["examples"] = {summary: {"value": value, "summary": summary}}
    return result

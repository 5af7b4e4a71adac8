"""The OpenAPI 3.1 schema and its offline documentation."""

import jsonschema
import pytest
import yaml
from drf_spectacular.generators import SchemaGenerator

from tests.api.conftest import client_for
from tests.api.test_scoping import assert_problem, operations

pytestmark = pytest.mark.django_db


def test_v1_schema_is_openapi_3_1_and_lists_every_operation(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    legacy = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    schema = response.json()
    assert response.status_code == legacy.status_code == 200
    assert schema["openapi"] == "3.1.0"
    assert legacy.json() == schema
    assert len(operations()) == 25


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/", "/api/docs/", "/api/redoc/"])
def test_docs_are_served_from_the_apps_own_static_files(client, path):
    response = client.get(path)

    body = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/" in body
    assert "cdn" not in body.lower()
    assert "https://" not in body


def test_every_operation_declares_its_problem_statuses():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    missing = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            expected = {"400", "401", "403", "404", "406", "429"}
            if method == "post":
                expected |= {"409", "413", "415"}
            declared = set(operation["responses"])
            if not expected <= declared:
                missing.append((method, path, sorted(expected - declared)))
            for status in expected:
                content = operation["responses"][status]["content"]
                assert list(content) == ["application/problem+json"], (method, path, status)
    assert missing == []


def test_the_nomination_operation_has_an_example_and_the_idempotency_header():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/nominations/"]["post"]

    assert [p["name"] for p in operation["parameters"]] == ["Idempotency-Key"]
    content = operation["requestBody"]["content"]["application/json"]
    assert content["examples"]["Nominate"]["value"]["language"] == "ja"
    assert yaml.safe_dump(schema)  # serialisable as the YAML the schema view serves


def _resolved(schema: dict, node):
    """``node`` with every ``$ref`` into the components replaced by what it names."""
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[1]
            return _resolved(schema, schema["components"]["schemas"][name])
        return {key: _resolved(schema, value) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolved(schema, value) for value in node]
    return node


def test_every_operation_has_examples_that_validate_against_its_schema(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    validated, missing = 0, []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            bodies = [
                (f"{status} response", content)
                for status, response in operation["responses"].items()
                if status.startswith("2")
                for content in response.get("content", {}).values()
            ]
            bodies += [
                ("request", content)
                for content in operation.get("requestBody", {}).get("content", {}).values()
                if "schema" in content
            ]
            for what, content in bodies:
                if content["schema"].get("format") == "binary":
                    continue  # a document's file
                if not content.get("examples"):
                    missing.append((method, path, what))
                    continue
                body_schema = _resolved(schema, content["schema"])
                for example in content["examples"].values():
                    jsonschema.Draft202012Validator(
                        body_schema, format_checker=jsonschema.FormatChecker()
                    ).validate(example["value"])
                    validated += 1
    assert missing == []
    assert validated == 28


def test_every_id_page_size_and_idempotency_parameter_has_an_example():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    shared = {"id", "page_size", "Idempotency-Key"}
    parameters = [
        parameter
        for item in schema["paths"].values()
        for operation in item.values()
        for parameter in operation.get("parameters", [])
        if parameter["name"] in shared
    ]
    without = [p["name"] for p in parameters if not p.get("examples")]

    assert len(parameters) == 28
    assert without == []


def test_a_method_the_schema_lists_no_operation_for_is_a_405_problem_with_allow(world):
    """docs/api.md: 405 answers a method a path has no operation for, so no operation
    declares it; ``Allow`` names the path's operations (and HEAD, OPTIONS)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    client = client_for(world["JP"].token)
    checked = 0
    for path, item in schema["paths"].items():
        if not path.startswith("/api/v1/") or path.startswith("/api/v1/schema"):
            continue
        declared = {method.upper() for method in item}
        concrete = path.replace("{id}", str(world["JP"].application.pk))
        for method in sorted({"GET", "POST", "PUT", "PATCH", "DELETE"} - declared):
            response = client.generic(method, concrete)
            assert_problem(response, 405, "method_not_allowed")
            allowed = {m.strip() for m in response["Allow"].split(",")}
            assert allowed - {"HEAD", "OPTIONS"} == declared, (method, path)
            checked += 1
    assert checked == 80

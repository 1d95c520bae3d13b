"""``GET /docs``: the JSON API reference as one self-contained HTML page.

FastAPI's own Swagger UI loads its JavaScript and CSS from a CDN and stays blank on a network
without internet access. This page is rendered on the server from the same OpenAPI schema
that ``/openapi.json`` serves, and it loads no external assets and runs no scripts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.context import Services
from api.pages import page

router = APIRouter(include_in_schema=False)

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SCHEMA_REF_PREFIX = "#/components/schemas/"


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # "path", "query", "header" or "cookie"
    required: bool
    type: str
    description: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    description: str
    needs_token: bool
    parameters: list[Parameter]
    request_bodies: list[tuple[str, str]]  # (media type, schema description)
    responses: list[tuple[str, str, str]]  # (status code, description, schema description)


@dataclass(frozen=True)
class SchemaField:
    name: str
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class NamedSchema:
    name: str
    description: str
    fields: list[SchemaField]


@router.get("/docs", response_class=HTMLResponse)
def api_reference(request: Request, services: Services) -> HTMLResponse:
    schema = request.app.openapi()
    return page(
        services,
        "pages/api_docs.html",
        "en",
        info=schema.get("info", {}),
        operations=list_operations(schema),
        schemas=list_schemas(schema),
    )


def list_operations(schema: dict[str, Any]) -> list[Operation]:
    """List every operation of the schema, in the order of its paths."""
    operations = []
    for path, item in schema.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                operations.append(_operation(path, method, item[method]))
    return operations


def list_schemas(schema: dict[str, Any]) -> list[NamedSchema]:
    """List the named schemas under ``components/schemas``, sorted by name."""
    named = schema.get("components", {}).get("schemas", {})
    return [_named_schema(name, named[name]) for name in sorted(named)]


def describe_type(schema: dict[str, Any]) -> str:
    """Describe a JSON schema in a few words: a schema name, a type, or a union of them."""
    if "$ref" in schema:
        return str(schema["$ref"]).removeprefix(SCHEMA_REF_PREFIX)
    if "enum" in schema:
        return "one of " + ", ".join(repr(value) for value in schema["enum"])
    if "const" in schema:
        return repr(schema["const"])
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            joiner = " and " if combinator == "allOf" else " or "
            return joiner.join(describe_type(part) for part in schema[combinator])
    kind = schema.get("type", "any")
    if kind == "array":
        return "array of " + describe_type(schema.get("items", {}))
    if kind == "object" and "additionalProperties" in schema:
        values = schema["additionalProperties"]
        return "object of " + (describe_type(values) if isinstance(values, dict) else "any")
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    return str(kind)


def _operation(path: str, method: str, operation: dict[str, Any]) -> Operation:
    parameters = [
        Parameter(
            name=parameter["name"],
            location=parameter.get("in", ""),
            required=bool(parameter.get("required", False)),
            type=describe_type(parameter.get("schema", {})),
            description=parameter.get("description", ""),
        )
        for parameter in operation.get("parameters", [])
    ]
    body = operation.get("requestBody", {}).get("content", {})
    request_bodies = [
        (media_type, describe_type(content.get("schema", {})))
        for media_type, content in body.items()
    ]
    responses = [
        (code, response.get("description", ""), _response_type(response))
        for code, response in operation.get("responses", {}).items()
    ]
    return Operation(
        method=method.upper(),
        path=path,
        summary=operation.get("summary", ""),
        description=operation.get("description", ""),
        needs_token=bool(operation.get("security")),
        parameters=parameters,
        request_bodies=request_bodies,
        responses=responses,
    )


def _response_type(response: dict[str, Any]) -> str:
    content = response.get("content", {})
    return ", ".join(describe_type(media.get("schema", {})) for media in content.values())


def _named_schema(name: str, schema: dict[str, Any]) -> NamedSchema:
    required = set(schema.get("required", []))
    fields = [
        SchemaField(
            name=field_name,
            type=describe_type(field_schema),
            required=field_name in required,
            description=field_schema.get("description", ""),
        )
        for field_name, field_schema in schema.get("properties", {}).items()
    ]
    description = schema.get("description", "")
    if not fields and "enum" in schema:
        description = (description + " " if description else "") + describe_type(schema)
    return NamedSchema(name, description, fields)

"""JSON Schemas of the GeoReport v2 answers, written here from the published specification
(http://wiki.open311.org/GeoReport_v2: "GET Service List", "GET Service Definition",
"POST Service Request", "GET Service Requests", "GET request_id from a token", "Errors"). The
field names, types and enumerations are the specification's; the specification has no schema file."""

from __future__ import annotations

from typing import Any

_NULLABLE_STR = {"type": ["string", "null"]}
_DATETIME = {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)$"}

SERVICE_LIST: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"],
        "properties": {
            "service_code": {"type": "string", "minLength": 1},
            "service_name": {"type": "string"},
            "description": {"type": "string"},
            "metadata": {"type": "boolean"},
            "type": {"enum": ["realtime", "batch", "blackbox"]},
            "keywords": {"type": "string"},
            "group": {"type": "string"},
        },
    },
}
SERVICE_DEFINITION: dict[str, Any] = {
    "type": "object",
    "required": ["service_code", "attributes"],
    "properties": {
        "service_code": {"type": "string"},
        "attributes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["variable", "code", "datatype", "required", "datatype_description", "order", "description"],
                "properties": {
                    "variable": {"type": "boolean"},
                    "code": {"type": "string"},
                    "datatype": {"enum": ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]},
                    "required": {"type": "boolean"},
                    "datatype_description": {"type": "string"},
                    "order": {"type": "integer", "minimum": 1},
                    "description": {"type": "string"},
                    "values": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["key", "name"],
                            "properties": {"key": {}, "name": {"type": "string"}},
                        },
                    },
                },
            },
        },
    },
}
SERVICE_REQUESTS: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "required": [
            "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
            "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
            "address", "address_id", "zipcode", "lat", "long", "media_url",
        ],
        "properties": {
            "service_request_id": {"type": "string", "minLength": 1},
            "status": {"enum": ["open", "closed"]},
            "status_notes": _NULLABLE_STR,
            "service_name": _NULLABLE_STR,
            "service_code": _NULLABLE_STR,
            "description": _NULLABLE_STR,
            "agency_responsible": _NULLABLE_STR,
            "service_notice": _NULLABLE_STR,
            "requested_datetime": _DATETIME,
            "updated_datetime": _DATETIME,
            "expected_datetime": _DATETIME,
            "address": _NULLABLE_STR,
            "address_id": _NULLABLE_STR,
            "zipcode": _NULLABLE_STR,
            "lat": {"type": ["number", "null"]},
            "long": {"type": ["number", "null"]},
            "media_url": _NULLABLE_STR,
        },
    },
}  # fmt: skip
POST_RESPONSE: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "anyOf": [{"required": ["service_request_id"]}, {"required": ["token"]}],
        "properties": {
            "service_request_id": {"type": "string"},
            "token": {"type": "string"},
            "service_notice": _NULLABLE_STR,
            "account_id": {},
        },
    },
}
TOKENS: dict[str, Any] = {
    "type": "array",
    "items": {"type": "object", "required": ["service_request_id", "token"]},
}
ERRORS: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
    },
}

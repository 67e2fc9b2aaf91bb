"""schemathesis hooks for `make hostile` (schemathesis.toml loads this file).

One check, documented_rules_only, judges what the built-in
positive_data_acceptance cannot: a request that fits the schema but breaks a
rule JSON Schema cannot express (a date after another date, a date not in
the future, an id that must name someone in the staff directory, a cursor
that must come from the previous page). The OpenAPI document marks every
such member with "x-rule" (shared/openapi/rules.go), in words, beside its
schema. A schema-valid request may be refused with 422 only if every field
the answer names carries an x-rule; any other 422 is a difference between
the document and the server, and fails the run.

With HOSTILE_REJECTIONS set to a file name, every 422 to schema-valid data
is written there (operation, pointer, detail, documented or not).
"""

from __future__ import annotations

import json
import os

import schemathesis

_LOG = os.environ.get("HOSTILE_REJECTIONS")


def _resolve(doc: dict, schema: dict) -> dict:
    seen = 0
    while isinstance(schema, dict) and "$ref" in schema and seen < 20:
        path = schema["$ref"].lstrip("#/").split("/")
        node = doc
        for part in path:
            node = node[part.replace("~1", "/").replace("~0", "~")]
        schema = node
        seen += 1
    return schema


def _branches(doc: dict, schema: dict) -> list[dict]:
    """The schema and, for anyOf/oneOf (nullable members), its branches."""
    schema = _resolve(doc, schema)
    out = [schema]
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []) if isinstance(schema, dict) else []:
            out.extend(_branches(doc, sub))
    return out


def _documented(doc: dict, schema: dict, parts: list[str]) -> bool:
    """Whether the member at parts (a JSON pointer's segments) has an x-rule."""
    candidates = [schema]
    for part in parts:
        nxt = []
        for cand in candidates:
            for s in _branches(doc, cand):
                if not isinstance(s, dict):
                    continue
                props = s.get("properties") or {}
                if part in props:
                    nxt.append(props[part])
                elif part.isdigit() and "items" in s:
                    nxt.append(s["items"])
                elif isinstance(s.get("additionalProperties"), dict):
                    nxt.append(s["additionalProperties"])
        candidates = nxt
        if not candidates:
            return False
    for cand in candidates:
        if isinstance(cand, dict) and "x-rule" in cand:
            return True
        for s in _branches(doc, cand):
            if isinstance(s, dict) and "x-rule" in s:
                return True
    return False


def _parameter(case, name: str) -> dict | None:
    for p in case.operation.definition.raw.get("parameters", []) or []:
        if p.get("name") == name:
            return p
    return None


def _body_schema(case) -> dict | None:
    body = (case.operation.definition.raw.get("requestBody") or {}).get("content") or {}
    media = body.get("application/json") or next(iter(body.values()), None)
    return media.get("schema") if media else None


def _is_documented(case, pointer: str, detail: str) -> bool:
    doc = case.operation.schema.raw_schema
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    if detail.endswith("(query parameter)") or detail.endswith("(path parameter)"):
        p = _parameter(case, parts[0] if parts else "")
        return bool(p) and ("x-rule" in p or "x-rule" in (p.get("schema") or {}))
    schema = _body_schema(case)
    if schema is not None and _documented(doc, schema, parts):
        return True
    # A path parameter checked with the body names it by its name (/role).
    p = _parameter(case, parts[0] if len(parts) == 1 else "")
    return bool(p) and ("x-rule" in p or "x-rule" in (p.get("schema") or {}))


@schemathesis.check
def documented_rules_only(ctx, response, case):
    """A 422 to schema-valid data must name only members with a documented x-rule."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    try:
        problem = json.loads(response.content)
    except ValueError:
        raise AssertionError("422 without a problem+json body")
    errors = problem.get("errors") or [{"pointer": "", "detail": problem.get("detail", "")}]
    undocumented = []
    for e in errors:
        ok = _is_documented(case, e.get("pointer", ""), e.get("detail", ""))
        if _LOG:
            with open(_LOG, "a", encoding="utf-8") as f:
                f.write(json.dumps({"op": case.operation.label, "pointer": e.get("pointer"),
                                    "detail": e.get("detail"), "documented": ok}) + "\n")
        if not ok:
            undocumented.append(f"{e.get('pointer') or '(the body)'}: {e.get('detail')}")
    if undocumented:
        raise AssertionError(
            "Schema-valid request refused for a rule the document does not state (no x-rule on the member):\n  "
            + "\n  ".join(undocumented)
        )
    return None

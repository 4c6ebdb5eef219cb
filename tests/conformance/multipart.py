"""A `multipart/form-data` body checked part by part: openapi-core 0.23
validates parts as the raw text or bytes it reads, without casting them to
their properties' types (a boolean part `false` fails as `b'false'`, a
binary part as bytes, not a string), so run.py reads such bodies itself:
each part cast as OpenAPI's encoding rules say (scalars as text, objects and
arrays as JSON, files as their bytes), then the whole validated against the
body's schema with openapi-schema-validator (openapi-core's own)."""

import json

import openapi_schema_validator as osv

import cases as casegen


def deref(doc, schema, seen=()):
    """`schema` with every local `$ref` replaced by its target (cycles cut)."""
    if isinstance(schema, list):
        return [deref(doc, s, seen) for s in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        ref = schema["$ref"]
        if ref in seen:
            return {}
        return deref(doc, casegen.resolve(doc, schema), seen + (ref,))
    return {k: deref(doc, v, seen) for k, v in schema.items()}


def cast(schema, text):
    kind = casegen.Generator({}, 0).kind(schema) if schema else "string"
    try:
        if kind == "boolean":
            return {"true": True, "false": False}.get(text, text)
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
        if kind in ("object", "array"):
            return json.loads(text)
    except ValueError:
        pass
    return text


def errors(doc, request, schema):
    """Why the multipart body of `request` does not match `schema`."""
    schema = deref(doc, schema)
    if "allOf" in schema:
        schema = casegen.Generator(doc, 0).merge(schema)
    props = schema.get("properties", {})
    body = {}
    for name in request.form:
        values = [cast(props.get(name, {}).get("items", {}), v) for v in request.form.getlist(name)]
        single = cast(props.get(name, {}), request.form[name])
        body[name] = values if casegen.Generator({}, 0).kind(props.get(name, {})) == "array" else single
    for name in request.files:
        # A file part stands for a `format: binary` (or `byte`) string.
        files = [f.read().decode("utf-8", "replace") for f in request.files.getlist(name)]
        body[name] = files if casegen.Generator({}, 0).kind(props.get(name, {})) == "array" else files[0]
    version = str(doc.get("openapi", "3.0"))
    validator = osv.OAS31Validator if version.startswith("3.1") else osv.OAS30Validator
    return [
        f"multipart part {'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}"
        for e in validator(schema).iter_errors(body)
    ]

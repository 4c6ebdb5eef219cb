"""Values in `deepObject` style read back from the wire, nested as deep as
they go, and checked against their schema.

OpenAPI defines `deepObject` one level deep (`color[R]=100`); Stripe's API,
and the clients of every API that follows it, nest it (`a[b][c]=1`) and
write arrays by index (`expand[0]=x&expand[1]=y`), in queries and in form
and multipart bodies. openapi-core 0.23 reads one level, and only when the
schema says `type: object` (`created[gt]=5` under `anyOf: [object,
integer]` is "not available"; `a[b][c]` collapses to its last leaf), so
run.py reads such values here: decoded from the raw pairs (nothing of
apigen's), cast by their schema (form text carries no types), then
validated with openapi-schema-validator (openapi-core's own)."""

import re

import openapi_schema_validator as osv

import cases as casegen
import multipart

KEY = re.compile(r"\[([^\[\]]*)\]")


def path(name, key):
    """The bracketed steps of `key` under the parameter `name`
    (`name[a][0]` → ["a", "0"]), or None when `key` is not one of its."""
    if not key.startswith(name + "["):
        return None
    rest = key[len(name):]
    steps = KEY.findall(rest)
    if "".join(f"[{s}]" for s in steps) != rest:
        return None  # `name[a]b` or unbalanced brackets: not a deepObject key
    return steps


def decode(name, pairs):
    """The value of `name` in deepObject style from `(key, text)` pairs, as
    nested dicts of text (arrays still keyed by index: their schema says
    which dicts are arrays), or None when no pair is one of its. A value
    that is not an object or array (a union's scalar member, Stripe's
    `anyOf: [integer, enum]`) goes as `name=text`, the only way it can.
    Returns (value, problems): a key that is both a leaf and a container
    is one."""
    root, problems, found = {}, [], False
    scalars = [text for key, text in pairs if key == name]
    if scalars:
        others = [key for key, _ in pairs if path(name, key) is not None]
        if len(scalars) > 1 or others:
            problems.append(f"`{name}` sent as a value and again ({len(scalars) + len(others)} keys)")
        return scalars[0], problems
    for key, text in pairs:
        steps = path(name, key)
        if steps is None:
            continue
        found = True
        node = root
        for i, step in enumerate(steps):
            last = i == len(steps) - 1
            if last:
                if step in node:
                    problems.append(f"`{key}` sent twice")
                node[step] = text
            else:
                child = node.setdefault(step, {})
                if not isinstance(child, dict):
                    problems.append(f"`{key}`: `{step}` is both a value and an object")
                    break
                node = child
    return (root if found else None), problems


def as_list(value):
    """A dict keyed `0`…`n-1` as the list it encodes, else None."""
    if not isinstance(value, dict) or not value or not all(k.isdigit() for k in value):
        return None
    if sorted(int(k) for k in value) != list(range(len(value))):
        return None
    return [value[str(i)] for i in range(len(value))]


def cast(doc, schema, value):
    """Form text `value` (nested dicts of text) as the JSON value `schema`
    describes: numbers and booleans from their text, index-keyed dicts as
    arrays; a union takes the first member the cast value is valid for."""
    schema = casegen.resolve(doc, schema) if isinstance(schema, dict) else {}
    for union in ("anyOf", "oneOf"):
        if isinstance(schema.get(union), list):
            rest = {k: v for k, v in schema.items() if k != union}
            for member in schema[union]:
                merged = {**rest, **casegen.resolve(doc, member)}
                candidate = cast(doc, merged, value)
                if not schema_errors(doc, merged, candidate):
                    return candidate
            return value
    if isinstance(schema.get("allOf"), list):
        schema = casegen.Generator(doc, 0).merge(schema)
    kind = schema.get("type")
    if isinstance(value, dict):
        items = as_list(value)
        if kind == "array" and items is not None:
            return [cast(doc, schema.get("items", {}), v) for v in items]
        props = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        return {k: cast(doc, props.get(k, extra if isinstance(extra, dict) else {}), v) for k, v in value.items()}
    if not isinstance(value, str):
        return value
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            number = float(value)
            return int(number) if number.is_integer() and "." not in value and "e" not in value.lower() else number
        if kind == "boolean":
            return {"true": True, "false": False}[value]
    except (ValueError, KeyError):
        pass  # left as text: the validator says what is wrong with it
    return value


def on_the_wire(value):
    """`value` as deepObject and form encoding can carry it: an empty object
    or array has no key to send (Stripe's own SDKs send nothing for one), so
    it and whatever it leaves empty are dropped."""
    if isinstance(value, dict):
        kept = {k: on_the_wire(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in ({}, [])}
    if isinstance(value, list):
        return [on_the_wire(v) for v in value]
    return value


def schema_errors(doc, schema, value):
    """openapi-schema-validator's messages for `value` against `schema`."""
    # The document's components beside the schema: its `$ref`s, and the
    # discriminator mappings the validator follows, resolve in place.
    root = {"allOf": [schema], "components": doc.get("components") or {}}
    version = str(doc.get("openapi", "3.0"))
    validator = osv.OAS31Validator if version.startswith("3.1") else osv.OAS30Validator
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator(root).iter_errors(value)
    ]


def read(doc, name, schema, pairs):
    """(value, errors) of the deepObject value `name` in `pairs`, cast by
    `schema`; value None when it was not sent."""
    raw, problems = decode(name, pairs)
    if raw is None:
        return None, []
    value = cast(doc, schema, raw)
    return value, problems + schema_errors(doc, schema, value)


def nests(doc, schema):
    """Whether openapi-core 0.23 cannot read a deepObject value of `schema`:
    it is not `type: object`, or a property of it is not a scalar."""
    schema = casegen.resolve(doc, schema)
    if schema.get("type") != "object" or any(k in schema for k in ("anyOf", "oneOf", "allOf")):
        return True
    for prop in (schema.get("properties") or {}).values():
        prop = casegen.resolve(doc, prop)
        if prop.get("type") not in ("string", "integer", "number", "boolean") or any(
            k in prop for k in ("anyOf", "oneOf", "allOf")
        ):
            return True
    extra = schema.get("additionalProperties")
    return isinstance(extra, dict) and casegen.resolve(doc, extra).get("type") not in (
        None,
        "string",
        "integer",
        "number",
        "boolean",
    )


def form_body(doc, schema, encoding, pairs, multipart_body=False):
    """(value, errors) of an `application/x-www-form-urlencoded` (or, with
    `multipart_body`, multipart) body of `schema` from its `(key, text)`
    pairs: properties whose `encoding` says `deepObject` read as above, the
    others in `form` style (an array as repeated keys; in a multipart body
    an object part is JSON), the whole then validated."""
    schema = casegen.resolve(doc, schema)
    if isinstance(schema.get("allOf"), list):
        schema = casegen.Generator(doc, 0).merge(schema)
    props = schema.get("properties") or {}
    body, problems = {}, []
    deep = {n for n, e in (encoding or {}).items() if isinstance(e, dict) and e.get("style") == "deepObject"}
    for name in deep:
        raw, found = decode(name, pairs)
        problems += found
        if raw is not None:
            body[name] = cast(doc, props.get(name, {}), raw)
    for key, text in pairs:
        if key in deep or any(path(n, key) is not None for n in deep):
            continue
        prop = props.get(key, {})
        if casegen.Generator(doc, 0).kind(casegen.resolve(doc, prop)) == "array":
            items = casegen.resolve(doc, prop).get("items", {})
            part = multipart.cast(casegen.resolve(doc, items), text) if multipart_body else cast(doc, items, text)
            body.setdefault(key, []).append(part)
        elif key in body:
            problems.append(f"`{key}` sent twice")
        else:
            body[key] = multipart.cast(casegen.resolve(doc, prop), text) if multipart_body else cast(doc, prop, text)
    return body, problems + schema_errors(doc, schema, body)

"""Arguments for every operation of an OpenAPI 3 document, generated from
its schemas alone (nothing of apigen's): each parameter and the request
body, every property filled, optional ones included, from a fixed seed.

A case is {"operation": "METHOD /path", "path": {name: value}, "query":
{...}, "header": {...}, "cookie": {...}, "body": value, "media_type": ...}.
"""

import base64
import random
import re
import uuid
import zlib
from urllib.parse import unquote

# Header parameters OpenAPI says are ignored (the media types and the
# credentials are described elsewhere).
IGNORED_HEADERS = {"accept", "content-type", "authorization"}
METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

# Text per location: characters that need escaping where the location has
# an escape (a query's `&`, `=`, `+`, `/`, `?`, spaces; a path's spaces),
# none where the wire has none (a cookie value, an array item joined by
# commas: OpenAPI escapes neither).
TEXT = {
    "query": "a b&c=d+e/f?g",
    "path": "a b",
    "header": "conformance value",
    "cookie": "conformance-cookie",
    "item": "x y",
    "body": 'text with "quotes" and \u00fcn\u00efcode',
}


def resolve(doc, node, seen=()):
    """`node` with its `$ref` followed (local references only)."""
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/") or ref in seen:
            return {}
        seen = seen + (ref,)
        target = doc
        for part in unquote(ref[2:]).split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        # 3.1 allows siblings of $ref: they apply too.
        rest = {k: v for k, v in node.items() if k != "$ref"}
        node = {**target, **rest} if rest else target
    return node


class Generator:
    def __init__(self, doc, seed):
        self.doc = doc
        self.seed = seed

    def rng(self, key):
        return random.Random(self.seed * 1_000_003 + zlib.crc32(key.encode()))

    def value(self, schema, rnd, where, depth=0):
        s = resolve(self.doc, schema)
        if not isinstance(s, dict):
            return "conformance"
        if "const" in s:
            return s["const"]
        if s.get("enum"):
            choices = [v for v in s["enum"] if v is not None]
            return rnd.choice(choices) if choices else None
        if "allOf" in s:
            return self.value(self.merge(s), rnd, where, depth)
        for key in ("oneOf", "anyOf"):
            if s.get(key):
                # The first member that is not null; its siblings apply too.
                members = [m for m in s[key] if self.kind(resolve(self.doc, m)) != "null"] or s[key]
                rest = {k: v for k, v in s.items() if k not in (key, "discriminator")}
                # United with the siblings' own properties (GitHub's check-run
                # update: `conclusion` is an enum beside the `anyOf`).
                chosen = self.merge({**rest, "allOf": [members[0]]})
                if key == "oneOf":
                    chosen = self.only_one(chosen, members[1:])
                value = self.value(chosen, rnd, where, depth)
                return self.discriminated(s.get("discriminator"), members[0], value)
        kind = self.kind(s)
        if kind == "object":
            return self.object(s, rnd, where, depth)
        if kind == "array":
            return self.array(s, rnd, where, depth)
        if kind == "integer":
            return self.number(s, rnd, True)
        if kind == "number":
            return self.number(s, rnd, False)
        if kind == "boolean":
            return rnd.choice([True, False])
        if kind == "null":
            return None
        return self.string(s, rnd, where)

    def discriminated(self, discriminator, member, value):
        """`value` with the discriminator property naming `member`: its key
        in the mapping, else its schema's name (OpenAPI's default)."""
        if not isinstance(discriminator, dict) or not isinstance(value, dict) or "$ref" not in member:
            return value
        ref = member["$ref"]
        names = [k for k, v in (discriminator.get("mapping") or {}).items() if v == ref or v == ref.split("/")[-1]]
        value[discriminator["propertyName"]] = names[0] if names else ref.split("/")[-1]
        return value

    def kind(self, s):
        t = s.get("type")
        if isinstance(t, list):
            t = next((x for x in t if x != "null"), "null")
        if t:
            return t
        if "properties" in s or "additionalProperties" in s:
            return "object"
        if "items" in s:
            return "array"
        return "string"

    def only_one(self, chosen, others):
        """`chosen` without the properties only the other `oneOf` members
        require: every property is filled, and an object meeting two
        members' `required` matches more than one (GitHub's
        `{required: [owner, repo, number]}` or `{required: [id]}`)."""
        mine = set(chosen.get("required", []))
        theirs = set()
        for m in others:
            m = resolve(self.doc, m)
            if isinstance(m, dict) and isinstance(m.get("required"), list):
                theirs |= set(m["required"])
        drop = theirs - mine
        if drop and isinstance(chosen.get("properties"), dict):
            chosen = {**chosen, "properties": {k: v for k, v in chosen["properties"].items() if k not in drop}}
        return chosen

    def merge(self, s):
        """An `allOf` as one schema: properties and requirements united."""
        out = {k: v for k, v in s.items() if k != "allOf"}
        for part in s.get("allOf", []):
            part = resolve(self.doc, part)
            if "allOf" in part:
                part = self.merge(part)
            for k, v in part.items():
                if k == "properties":
                    out["properties"] = {**out.get("properties", {}), **v}
                elif k == "required":
                    out["required"] = sorted(set(out.get("required", [])) | set(v))
                else:
                    out.setdefault(k, v)
        return out

    def object(self, s, rnd, where, depth):
        out = {}
        if depth > 12:
            return out
        required = set(s.get("required", []))
        for name, prop in s.get("properties", {}).items():
            p = resolve(self.doc, prop)
            if isinstance(p, dict) and p.get("readOnly"):
                continue
            # Deep down (recursive types) only what is required, so it ends.
            if depth > 4 and name not in required:
                continue
            out[name] = self.value(prop, rnd, where, depth + 1)
        extra = s.get("additionalProperties")
        # Required names the properties do not list (Spotify's `uris`).
        for name in s.get("required", []):
            if name not in out and name not in s.get("properties", {}) and extra is not False:
                out[name] = self.value(extra if isinstance(extra, dict) else {}, rnd, where, depth + 1)
        if isinstance(extra, dict) and not s.get("properties"):
            names = resolve(self.doc, s.get("propertyNames", {}))
            key = self.matching(names, rnd) if names.get("pattern") else "key1"
            out[key] = self.value(extra, rnd, where, depth + 1)
        return out

    def array(self, s, rnd, where, depth):
        low, high = s.get("minItems", 0), s.get("maxItems", 2)
        n = max(low, min(2, high)) if depth <= 6 else low
        items = s.get("items", {})
        item_where = "item" if where in ("query", "path", "header", "cookie") else where
        out = []
        for _ in range(n * 4):
            if len(out) == n:
                break
            v = self.value(items, rnd, item_where, depth + 1)
            if not (s.get("uniqueItems") and v in out):
                out.append(v)
        if "contains" in s and out:
            # One item meets `contains` (3.1).
            out[0] = self.value(s["contains"], rnd, item_where, depth + 1)
        return out

    def number(self, s, rnd, integer):
        low, high = s.get("minimum"), s.get("maximum")
        # 3.0 booleans or 3.1 numbers.
        ex_low, ex_high = s.get("exclusiveMinimum"), s.get("exclusiveMaximum")
        if isinstance(ex_low, (int, float)) and not isinstance(ex_low, bool):
            low, ex_low = ex_low, True
        if isinstance(ex_high, (int, float)) and not isinstance(ex_high, bool):
            high, ex_high = ex_high, True
        step = 1 if integer else 0.5
        v = rnd.choice([2, 3, 5, 7]) if integer else rnd.choice([1.5, 2.5, 4.5])
        if low is not None and (v < low or (ex_low is True and v <= low)):
            v = low + (step if ex_low is True else 0)
        if high is not None and (v > high or (ex_high is True and v >= high)):
            v = high - (step if ex_high is True else 0)
        m = s.get("multipleOf")
        if m:
            v = (v // m) * m or m
        return int(v) if integer else float(v)

    def string(self, s, rnd, where):
        fmt = s.get("format")
        text = {
            "date-time": "2024-05-06T07:08:09Z",
            "date": "2024-05-06",
            "uuid": str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
            "email": "conformance@example.com",
            "uri": "https://example.com/conformance",
            "url": "https://example.com/conformance",
            "hostname": "example.com",
            "ipv4": "192.0.2.1",
            "ipv6": "2001:db8::1",
            "byte": base64.b64encode(b"conformance").decode(),
            "binary": "conformance bytes",
        }.get(fmt)
        if text is not None:
            return text
        if s.get("pattern"):
            return self.matching(s, rnd)
        text = TEXT.get(where, TEXT["body"])
        low, high = s.get("minLength", 0), s.get("maxLength")
        text = text + "x" * max(0, low - len(text))
        return text[:high] if high is not None else text

    def matching(self, s, rnd):
        """The smallest string hypothesis finds for the pattern and lengths
        (derandomized: the same every run)."""
        from hypothesis import HealthCheck, find, settings, strategies as st

        low, high = s.get("minLength", 0), s.get("maxLength", 10_000)
        try:
            pattern = re.compile(s["pattern"])
        except re.error:
            return "conformance"
        try:
            return find(
                st.from_regex(pattern),
                lambda t: low <= len(t) <= high and len(t) >= 1,
                settings=settings(database=None, derandomize=True, max_examples=2000,
                                  suppress_health_check=list(HealthCheck)),
            )
        except Exception:
            return "conformance"


def parameters(doc, path_item, op):
    """The operation's parameters, the operation's replacing the path's."""
    merged = {}
    for p in path_item.get("parameters", []) + op.get("parameters", []):
        p = resolve(doc, p)
        merged[(p.get("in"), p.get("name"))] = p
    return list(merged.values())


def body_media(content):
    """The media type a client sends when a body documents several: JSON,
    then a form, then multipart, then the first."""
    types = list(content)
    for want in (
        lambda t: t.split(";")[0].strip() == "application/json",
        lambda t: t.split(";")[0].strip().endswith("+json"),
        lambda t: t.startswith("application/x-www-form-urlencoded"),
        lambda t: t.startswith("multipart/form-data"),
    ):
        for t in types:
            if want(t):
                return t
    return types[0] if types else None


def operations(doc):
    """(key, path, method, path item, operation) for every operation."""
    for path, item in (doc.get("paths") or {}).items():
        item = resolve(doc, item)
        for method in METHODS:
            if method in item:
                yield f"{method.upper()} {path}", path, method, item, item[method]


def cases(doc, seed=1):
    g = Generator(doc, seed)
    out = []
    for key, path, method, item, op in operations(doc):
        rnd = g.rng(key)
        case = {"operation": key, "path": {}, "query": {}, "header": {}, "cookie": {}}
        for p in parameters(doc, item, op):
            where, name = p.get("in"), p.get("name")
            if where == "header" and name.lower() in IGNORED_HEADERS:
                continue
            schema = p.get("schema")
            if schema is None and p.get("content"):
                schema = next(iter(p["content"].values())).get("schema", {})
            case[where][name] = g.value(schema or {}, rnd, where)
        body = resolve(doc, op.get("requestBody", {}))
        media = body_media(body.get("content", {}))
        if media is not None:
            schema = body["content"][media].get("schema", {})
            case["body"] = g.value(schema, rnd, "body")
            case["media_type"] = media
        out.append(case)
    return out

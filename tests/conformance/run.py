#!/usr/bin/env python3
"""Conformance of generated clients: every operation of a spec sent by the
client apigen generates, every request checked by a validator that reads
the spec itself (openapi-core), not apigen's IR.

    run.py [--apigen BIN] [--seed N] SPEC...

For each SPEC: generate a crate with `apigen generate --conformance`,
build the harness (harness/main.rs) against it, generate arguments for
every operation from the spec's schemas (cases.py), start a recording
server on loopback, send every case through the client, then validate
each recorded request with openapi-core (path, query style and explode,
headers, cookies, security, body media type and schema) and compare the
values it reads back with the values the client was given (a client that
JSON-quotes a string still sends a valid string: only the comparison
catches it). Prints one line per invalid request and exits 1 on any, or
on any operation with no validated request.

Swagger 2.0 inputs are validated against the OpenAPI 3.0 document apigen
converts them to (`apigen openapi`): that part is less independent.
"""

import argparse
import base64
import datetime
import json
import logging
import os
import shutil
import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import openapi_schema_validator as osv
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest
from openapi_core.unmarshalling.schemas import oas30_format_unmarshallers
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

sys.path.insert(0, str(Path(__file__).parent))
import cases as casegen  # noqa: E402
import deepobject  # noqa: E402
import multipart  # noqa: E402
from openapi_core.validation.request.exceptions import RequestBodyValidationError  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CASE_HEADER = "x-apigen-conformance-case"
# The generated crates and the harnesses' target directory.
OUT = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target") / "conformance"
# The recorder's access log would drown the findings.
logging.getLogger("werkzeug").setLevel(logging.ERROR)

# `--break-encoder`: the generated runtime patched to JSON-quote every query,
# header and cookie value instead of sending it in `form`/`simple` style, as
# a client sharing a bug with its server might. The run must then fail
# (test_run.py): proof that it can.
BROKEN_ENCODER = [
    # Required parameters and the items of exploded arrays.
    (
        "pub fn param(value: impl fmt::Display) -> String {\n    value.to_string()\n}",
        'pub fn param(value: impl fmt::Display) -> String {\n    format!("\\"{value}\\"")\n}',
    ),
    # Optional parameters.
    (
        "        out.push((name.into(), value.to_string()));",
        '        out.push((name.into(), format!("\\"{value}\\"")));',
    ),
    # `explode: false` arrays and the delimited styles.
    (
        "    values.iter().map(ToString::to_string).collect::<Vec<_>>().join(sep)",
        '    values.iter().map(|v| format!("\\"{v}\\"")).collect::<Vec<_>>().join(sep)',
    ),
]


def load(path):
    text = Path(path).read_text()
    return json.loads(text) if str(path).endswith(".json") else yaml.safe_load(text)


def document(spec, apigen):
    """The OpenAPI 3 document to validate against, and a note when it is
    apigen's conversion rather than the file itself."""
    doc = load(spec)
    if "swagger" in doc:
        out = subprocess.run([apigen, "openapi", str(spec)], capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"{spec}: apigen openapi failed:\n{out.stderr}")
        return json.loads(out.stdout), "Swagger 2.0: validated against apigen's OpenAPI 3.0 conversion (less independent)"
    return doc, None


def server_prefix(doc):
    """The path of the documented server (variables at their defaults):
    where the client sends relative to its base URL."""
    servers = doc.get("servers") or [{"url": "/"}]
    url = servers[0].get("url", "/")
    for name, var in (servers[0].get("variables") or {}).items():
        url = url.replace("{" + name + "}", str(var.get("default", "")))
    return urlsplit(url).path.rstrip("/")


class Recorder:
    """Answers every request 200 `{}` and keeps it."""

    def __init__(self):
        self.requests = []
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def app(self, environ, start_response):
        request = Request(environ)
        request.get_data()  # read now, kept for validation
        self.requests.append(request)
        return Response("{}", status=200, content_type="application/json")(environ, start_response)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.server.shutdown()


# Parameter styles openapi-core 0.23 cannot read, each with the reason: its
# errors about such a parameter are not counted, and the run says so.
VALIDATOR_GAPS = {
    ("path", "label"): "openapi-core 0.23 reports label-style path parameters missing though present",
    ("path", "matrix"): "openapi-core 0.23 reports matrix-style path parameters missing though present",
    ("query", "spaceDelimited"): "openapi-core 0.23 splits spaceDelimited values on a literal `%20` after decoding "
    "the query, so it never splits `a+b` or `a%20b`",
}


def gaps(doc):
    """(operation, location, name) → why the validator cannot judge it."""
    out = {}
    for key, _, _, item, op in casegen.operations(doc):
        for p in casegen.parameters(doc, item, op):
            where = p.get("in")
            style = p.get("style", "form" if where in ("query", "cookie") else "simple")
            reason = VALIDATOR_GAPS.get((where, style))
            if where == "header" and p.get("name", "").lower() in casegen.IGNORED_HEADERS:
                reason = "OpenAPI says a header parameter of this name SHALL be ignored; openapi-core 0.23 checks it"
            schema = casegen.resolve(doc, p.get("schema", {}))
            items = casegen.resolve(doc, schema.get("items", {})) if schema.get("type") == "array" else {}
            kind = casegen.Generator(doc, 0).kind(items)
            if where == "query" and style == "form" and kind in ("object", "array"):
                reason = f"OpenAPI defines no form encoding for an array of {kind}s (apigen sends each as JSON)"
            if reason:
                out[(key, where, p.get("name"))] = reason
    return out


def read_here(doc):
    """The values run.py reads itself (deepobject.py) because openapi-core
    0.23 cannot: (operation, "query", name) → schema for a deepObject query
    parameter that nests or is not `type: object`, and (operation, "body")
    → (schema, encoding) for a form or multipart body with a deepObject
    property (Stripe's, every one)."""
    out = {}
    for key, _, _, item, op in casegen.operations(doc):
        for p in casegen.parameters(doc, item, op):
            if p.get("in") == "query" and p.get("style") == "deepObject" and deepobject.nests(doc, p.get("schema", {})):
                out[(key, "query", p.get("name"))] = p.get("schema", {})
        body = casegen.resolve(doc, op.get("requestBody", {}))
        for media in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = (body.get("content") or {}).get(media, {})
            encoding = form.get("encoding") or {}
            if any(isinstance(e, dict) and e.get("style") == "deepObject" for e in encoding.values()):
                out[(key, "body", media)] = (form.get("schema", {}), encoding)
    return out


def judged_here(doc, case, request, here):
    """Errors and differences of the values `read_here` gave to run.py."""
    op, found = case["operation"], []
    query = parse_qsl(request.query_string.decode("latin-1"), keep_blank_values=True)
    for name, given in case["query"].items():
        schema = here.get((op, "query", name))
        if schema is None:
            continue
        value, errors = deepobject.read(doc, name, schema, query)
        found += [f"query `{name}` {e}" for e in errors]
        if value is None:
            found.append(f"query `{name}`: not sent, given {json.dumps(normal(given))[:200]}")
        elif not errors:
            diff = first_difference(normal(value), deepobject.on_the_wire(normal(given)), f"query `{name}`")
            found += [diff] if diff else []
    media = (case.get("media_type") or "").split(";")[0].strip()
    form = here.get((op, "body", media))
    if form is not None and "body" in case:
        if media == "multipart/form-data":
            pairs = [(k, v) for k in request.form for v in request.form.getlist(k)]
            pairs += [(k, f.read().decode("utf-8", "replace")) for k in request.files for f in request.files.getlist(k)]
        else:
            pairs = parse_qsl(request.get_data().decode("utf-8", "replace"), keep_blank_values=True)
        value, errors = deepobject.form_body(doc, form[0], form[1], pairs, media == "multipart/form-data")
        found += [f"body {e}" for e in errors]
        if not errors:
            diff = first_difference(normal(value), deepobject.on_the_wire(normal(case["body"])), "body")
            found += [diff] if diff else []
    return found


def normal(v):
    """Values as comparable JSON: formats openapi-core unmarshals back to
    their text."""
    if isinstance(v, datetime.datetime):
        if v.tzinfo is not None and v.utcoffset() == datetime.timedelta(0):
            return v.strftime("%Y-%m-%dT%H:%M:%SZ")
        return v.isoformat()
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, bytes):  # `format: byte`, decoded by openapi-core
        return base64.b64encode(v).decode()
    if isinstance(v, dict):
        return {k: normal(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [normal(x) for x in v]
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def differences(case, result, media, exempt):
    """Where what the validator read differs from what the client was given."""
    found = []
    params = result.parameters
    for where in ("path", "query", "header", "cookie"):
        got = {k.lower() if where == "header" else k: v for k, v in dict(getattr(params, where) or {}).items()}
        for name, want in case[where].items():
            if (case["operation"], where, name) in exempt:
                continue
            key = name.lower() if where == "header" else name
            if key not in got:
                continue  # a missing required one is a validation error already
            if first_difference(normal(got[key]), normal(want), ""):
                found.append(f"{where} `{name}`: sent {json.dumps(normal(got[key]))}, given {json.dumps(want)}")
    json_body = media and (media.split(";")[0].strip() == "application/json" or media.split(";")[0].endswith("+json"))
    if json_body and "body" in case and result.body is not None:
        got = normal(result.body if not hasattr(result.body, "__dict__") else vars(result.body))
        where = first_difference(got, normal(case["body"]), "body")
        if where:
            found.append(where)
    return found


def first_difference(sent, given, at):
    """Where two JSON values first differ, as `at/key/index: sent …, given …`."""
    if isinstance(sent, dict) and isinstance(given, dict):
        for key in sorted(set(sent) | set(given)):
            if key not in sent:
                return f"{at}/{key}: not sent, given {json.dumps(given[key])[:200]}"
            if key not in given:
                return f"{at}/{key}: sent {json.dumps(sent[key])[:200]}, not given"
            found = first_difference(sent[key], given[key], f"{at}/{key}")
            if found:
                return found
        return None
    if isinstance(sent, list) and isinstance(given, list) and len(sent) == len(given):
        for i, (a, b) in enumerate(zip(sent, given)):
            found = first_difference(a, b, f"{at}/{i}")
            if found:
                return found
        return None
    if isinstance(sent, str) and isinstance(given, str) and sent != given and decoded(given) == sent:
        return None  # `format: byte`: openapi-core hands back the decoded text
    if sent != given:
        return f"{at}: sent {json.dumps(sent)[:200]}, given {json.dumps(given)[:200]}"
    return None


def decoded(text):
    try:
        return base64.b64decode(text, validate=True).decode()
    except ValueError:
        return None


def raw(request):
    head = f"{request.method} {request.environ.get('RAW_URI') or request.full_path}"
    headers = "; ".join(f"{k}: {v}" for k, v in request.headers.items() if k.lower() != CASE_HEADER)
    body = request.get_data()[:300]
    return f"{head} [{headers}] {body!r}"


# No optimisation and no debug info: a harness sends a few requests, so
# compile time is all that counts (the first harness builds the client's
# dependencies, the others reuse them).
PROFILE = """[profile.dev]
opt-level = 0
debug = false
"""


def build_harness(spec, apigen, out, broken):
    """The crate generated from `spec` and the harness binary using it."""
    name = "conformance-" + "".join(c if c.isalnum() else "-" for c in Path(spec).stem.lower())

    api, harness = out / "api", out / "harness"
    gen = subprocess.run([apigen, "generate", str(spec), "--out", str(api), "--crate", name, "--conformance", "-q"])
    if gen.returncode != 0:
        raise SystemExit(f"{spec}: apigen generate failed")
    if broken:
        client = api / "src" / "runtime" / "client.rs"
        text = client.read_text()
        for good, bad in BROKEN_ENCODER:
            if good not in text:
                raise SystemExit(f"--break-encoder: runtime/client.rs no longer has the line it patches: {good}")
            text = text.replace(good, bad)
        client.write_text(text)
    harness.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(__file__).parent / "harness" / "main.rs", harness / "main.rs")
    (harness / "Cargo.toml").write_text(
        f'[package]\nname = "{name}-harness"\nversion = "0.1.0"\nedition = "2024"\npublish = false\n\n'
        f'[[bin]]\nname = "{name}-harness"\npath = "main.rs"\n\n'
        f'[dependencies]\napi = {{ path = "../api", package = "{name}", features = ["conformance"] }}\n'
        'serde_json = "1"\ntokio = { version = "1", default-features = false, features = ["rt"] }\n\n'
        + PROFILE
        + '\n[workspace]\n'
    )
    # Default features on: a large API's operations are behind one feature
    # per tag (all default), and the driver's arms with them.
    # The workspace's lock: the versions CI already has.
    shutil.copy(ROOT / "Cargo.lock", harness / "Cargo.lock")
    cargo = os.environ.get("CARGO", "cargo")
    # A target directory of their own: the harnesses' dependencies resolve
    # fewer features than the workspace's (no workspace-hack: depending on
    # it from outside the workspace made cargo rebuild the workspace's
    # dependencies in turn), so sharing `target/debug` would thrash it.
    # The first harness builds the client's dependencies; the rest reuse them.
    env = {**os.environ, "CARGO_TARGET_DIR": str(out.parent / "target")}
    built = subprocess.run(
        [cargo, "build", "--quiet", "--manifest-path", str(harness / "Cargo.toml")], env=env
    )
    if built.returncode != 0:
        raise SystemExit(f"{spec}: the harness does not build")
    # Named for its crate: the harnesses share one target directory.
    return Path(env["CARGO_TARGET_DIR"]) / "debug" / f"{name}-harness"


def run(spec, apigen, out, seed, broken=False):
    doc, note = document(spec, apigen)
    if note:
        print(f"  note: {note}")
    prefix = server_prefix(doc)
    harness = build_harness(spec, apigen, out, broken)
    generated = casegen.cases(doc, seed)
    (out / "cases.json").write_text(json.dumps(generated, indent=1))
    with Recorder() as recorder:
        base = recorder.url + prefix
        # The validator reads the spec with the recorder as its server.
        doc = json.loads(json.dumps(doc, default=str))
        doc["servers"] = [{"url": base}]
        for item in (doc.get("paths") or {}).values():
            if isinstance(item, dict):
                item.pop("servers", None)
                for op in item.values():
                    if isinstance(op, dict):
                        op.pop("servers", None)
        sent = subprocess.run([str(harness), base, str(out / "cases.json")], capture_output=True, text=True)
    if sent.returncode != 0:
        print(sent.stderr)
        return [f"the harness failed (exit {sent.returncode})"], len(generated), 0
    outcomes = {o["case"]: o["error"] for o in map(json.loads, sent.stdout.splitlines())}
    judged_doc, relaxed = request_view(doc)
    if relaxed:
        print(f"  note: {relaxed} required readOnly properties not required in requests (OpenAPI 3.0: required applies "
              "to responses only; openapi-core 0.23 requires them)")
    read_only_parameters = parameters_not_read_only(judged_doc)
    if read_only_parameters:
        print(f"  note: {read_only_parameters} parameters whose schema is readOnly judged without it (readOnly is for "
              "properties; openapi-core 0.23 rejects every value of such a parameter)")
    formats = unknown_formats(judged_doc)
    if formats:
        print(f"  note: formats openapi-core 0.23 does not know, values judged by their type alone: {', '.join(formats)}")
    extra = {f: (lambda _value: True) for f in formats}
    try:
        openapi = OpenAPI.from_dict(judged_doc, config=Config(extra_format_validators=extra))
    except Exception as e:  # the spec breaks a rule of the OpenAPI schema
        first = str(e).splitlines()[0]
        print(f"  note: openapi-spec-validator rejects the spec ({first}); validating requests without that check")
        openapi = OpenAPI.from_dict(judged_doc, config=Config(spec_validator_cls=None, extra_format_validators=extra))
    exempt = gaps(doc)
    for (key, where, name), reason in sorted(exempt.items()):
        print(f"  EXEMPT {key}: {where} `{name}` not judged: {reason}")
    here = read_here(doc)
    if here:
        params = sum(1 for k in here if k[1] == "query")
        print(f"  note: {params} deepObject query parameters and {len(here) - params} form bodies with deepObject "
              "properties read by deepobject.py (openapi-core 0.23 reads deepObject one level deep, `type: object` only)")
    by_case = {}
    for request in recorder.requests:
        number = request.headers.get(CASE_HEADER)
        by_case.setdefault(int(number) if number and number.isdigit() else -1, []).append(request)
    problems, validated, notes = [], set(), set()
    for number, case in enumerate(generated):
        op = case["operation"]
        if outcomes.get(number):
            problems.append(f"{op}: not sent: {outcomes[number]}")
            continue
        requests = by_case.get(number, [])
        if not requests:
            problems.append(f"{op}: the client reported success but the recorder got no request")
            continue
        for request in requests:
            try:
                result = openapi.unmarshal_request(WerkzeugOpenAPIRequest(request))
            except Exception as e:  # openapi-core cannot read this part of the spec
                problems.append(f"{op}: openapi-core cannot judge it ({type(e).__name__}: {e})\n      request: {raw(request)}")
                continue
            media = case.get("media_type") or ""
            form_here = (op, "body", media.split(";")[0].strip()) in here
            judged = [
                e
                for e in result.errors
                if (op, *located(e)) not in exempt
                and (op, *located(e)) not in here
                and not (form_here and isinstance(e, RequestBodyValidationError))
            ]
            if media.startswith("multipart/form-data") and any(isinstance(e, RequestBodyValidationError) for e in judged):
                # openapi-core does not cast parts: the body is read by multipart.py.
                judged = [e for e in judged if not isinstance(e, RequestBodyValidationError)]
                schema = body_schema(doc, case)
                body_errors = multipart.errors(doc, request, schema)
                notes.add(f"{op}: multipart body checked by multipart.py (openapi-core 0.23 does not cast parts)")
            else:
                body_errors = []
            if raw_media(media) and any(str(e).startswith("Request body validation error") for e in judged):
                # Bytes as given: the media type is judged, the schema cannot be.
                judged = [e for e in judged if not str(e).startswith("Request body validation error")]
                notes.add(f"{op}: {media} body: its schema not judged (openapi-core 0.23 validates raw bytes as the schema's type)")
            unknown = [e for e in judged if "Formatter not found" in explain(e)]
            for e in unknown:
                notes.add(f"{op}: not judged: {explain(e)} (openapi-core 0.23 fails on formats it does not know)")
            judged = [e for e in judged if e not in unknown]
            errors = [explain(e) for e in judged] + body_errors
            errors += differences(case, result, case.get("media_type"), {**exempt, **here})
            errors += judged_here(doc, case, request, here)
            if errors:
                problems.append(f"{op}: {' | '.join(errors)}\n      request: {raw(request)}")
            else:
                validated.add(op)
    for note in sorted(notes):
        print(f"  note: {note}")
    for request in by_case.get(-1, []):
        problems.append(f"a request without a case number: {raw(request)}")
    return problems, len(generated), len(validated)


def request_view(doc):
    """The spec as requests see it: a `readOnly` property listed in
    `required` is required in responses only (OpenAPI 3.0, `readOnly`), but
    openapi-core 0.23 requires it in requests too. Only requests are
    validated here, so such names leave `required` (an `allOf` part's
    `required` included, whichever part lists the property). Returns the
    copy and how many names it relaxed."""
    doc = json.loads(json.dumps(doc))
    relaxed = 0

    def read_only(schema):
        # Any object with `properties` is walked, examples included (GitHub's
        # hold JSON values shaped like schemas): what is not one counts for
        # nothing.
        schema = casegen.resolve(doc, schema)
        if not isinstance(schema, dict):
            return set()
        properties = schema.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        names = set()
        for n, p in properties.items():
            p = casegen.resolve(doc, p)
            if isinstance(p, dict) and p.get("readOnly") is True:
                names.add(n)
        parts = schema.get("allOf")
        for part in parts if isinstance(parts, list) else []:
            names |= read_only(part)
        return names

    def walk(node, parts_read_only=frozenset()):
        nonlocal relaxed
        if isinstance(node, list):
            for x in node:
                walk(x, parts_read_only)
            return
        if not isinstance(node, dict):
            return
        names = set(parts_read_only)
        if isinstance(node.get("properties"), dict) or isinstance(node.get("allOf"), list):
            names |= read_only(node)
        if isinstance(node.get("required"), list) and names:
            kept = [n for n in node["required"] if n not in names]
            relaxed += len(node["required"]) - len(kept)
            node["required"] = kept
        for k, v in node.items():
            walk(v, frozenset(names) if k == "allOf" else frozenset())

    walk(doc)
    return doc, relaxed


def parameters_not_read_only(doc):
    """`readOnly` is for schema properties (OpenAPI 3.0, Schema Object); at
    the top of a parameter's schema (GitHub's `alert_number`, a `$ref` to
    `alert-number`, which alerts also carry as a read-only property)
    openapi-core 0.23 reports any value as "Tried to write read-only
    property". Such a parameter gets a copy of its schema without it, in
    place (`doc` is request_view's copy). Returns how many."""
    found = 0

    def fix(param):
        nonlocal found
        param = casegen.resolve(doc, param)
        schema = casegen.resolve(doc, param.get("schema")) if isinstance(param, dict) else None
        if isinstance(schema, dict) and schema.get("readOnly") is True:
            param["schema"] = {k: v for k, v in schema.items() if k != "readOnly"}
            found += 1

    components = doc.get("components", {}).get("parameters", {})
    for param in components.values() if isinstance(components, dict) else []:
        fix(param)
    for item in doc.get("paths", {}).values():
        for op in [item, *(v for v in item.values() if isinstance(v, dict))]:
            for param in op.get("parameters", []) if isinstance(op.get("parameters"), list) else []:
                if isinstance(param, dict) and "$ref" not in param:
                    fix(param)
    return found


def unknown_formats(doc):
    """The `format`s of `doc` openapi-core 0.23 has no checker for (Stripe's
    `unix-time`): it refuses to judge any value of one ("Formatter not
    found", openapi-core issue 515), where OpenAPI says an unknown format
    is ignored."""
    found = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("format"), str) and isinstance(node.get("type"), (str, list)):
                found.add(node["format"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc)
    return sorted(found - set(osv.oas30_format_checker.checkers) - set(oas30_format_unmarshallers))


def raw_media(media):
    """A media type whose body the client sends as given bytes."""
    base = media.split(";")[0].strip()
    structured = base == "application/json" or base.endswith("+json")
    return bool(base) and not structured and not base.startswith(("application/x-www-form-urlencoded", "multipart/"))


def body_schema(doc, case):
    """The schema of the body the case filled."""
    for key, _, _, _, op in casegen.operations(doc):
        if key == case["operation"]:
            body = casegen.resolve(doc, op.get("requestBody", {}))
            return body.get("content", {}).get(case["media_type"], {}).get("schema", {})
    return {}


def located(error):
    """(location, name) of a parameter error, else (None, None)."""
    for e in (error, getattr(error, "__cause__", None)):
        name, location = getattr(e, "name", None), getattr(e, "location", None)
        if name:
            return (location, name)
    return (None, None)


def explain(error):
    """openapi-core's message with its causes (schema errors nest)."""
    text = str(error)
    cause = error.__cause__
    while cause is not None:
        text += f": {cause}"
        for sub in getattr(cause, "schema_errors", []) or []:
            text += f" [{sub.message} at {'/'.join(map(str, sub.absolute_path)) or '(root)'}]"
        cause = cause.__cause__
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("specs", nargs="+", type=Path)
    parser.add_argument("--apigen", default=str(ROOT / "target" / "debug" / "apigen"))
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--break-encoder", action="store_true", help="JSON-quote parameters (the run must fail)")
    args = parser.parse_args()
    failed = []
    for spec in args.specs:
        print(f"== conformance: {spec}", flush=True)
        out = args.out / spec.stem
        start = time.monotonic()
        problems, operations, validated = run(spec, args.apigen, out.resolve(), args.seed, args.break_encoder)
        for p in problems:
            print(f"  INVALID {p}")
        took = time.monotonic() - start
        print(f"  {validated} of {operations} operations validated, {len(problems)} invalid requests ({took:.1f} s)", flush=True)
        if problems or validated < operations:
            failed.append(spec.stem)
    if failed:
        print(f"conformance: failures in {', '.join(failed)}")
        return 1
    print(f"conformance: {len(args.specs)} specs, every operation validated")
    return 0


if __name__ == "__main__":
    sys.exit(main())

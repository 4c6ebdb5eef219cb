"""Tests of the conformance runner itself: the cases it generates, and that
a client with a broken encoder fails the run (a check that cannot fail is
no check). `cargo xtask test --only conformance` runs them first."""

import os
import sys
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import cases  # noqa: E402
import deepobject  # noqa: E402
import run  # noqa: E402
from werkzeug.test import EnvironBuilder  # noqa: E402

DOC = {
    "openapi": "3.0.3",
    "paths": {
        "/items/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 10}}],
            "post": {
                "parameters": [
                    {"name": "tags", "in": "query", "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}}},
                    {"name": "Accept", "in": "header", "schema": {"type": "string"}},
                ],
                "requestBody": {"content": {
                    "text/plain": {"schema": {"type": "string"}},
                    "application/json": {"schema": {"$ref": "#/components/schemas/Item"}},
                }},
            },
        }
    },
    "components": {"schemas": {
        "Tag": {"type": "string", "pattern": "^[a-z]{3}$"},
        "Item": {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string", "maxLength": 4},
            "note": {"type": "string", "nullable": True},
            "id": {"type": "integer", "readOnly": True},
            "when": {"type": "string", "format": "date-time"},
        }},
    }},
}


class Cases(unittest.TestCase):
    def test_every_value_is_filled_from_the_schema(self):
        [case] = cases.cases(DOC, seed=1)
        self.assertEqual(case["operation"], "POST /items/{id}")
        self.assertGreaterEqual(case["path"]["id"], 10)
        self.assertEqual(len(case["query"]["tags"]), 2)
        for tag in case["query"]["tags"]:
            self.assertRegex(tag, r"^[a-z]{3}$")
        # Ignored by OpenAPI: not generated.
        self.assertNotIn("Accept", case["header"])
        # JSON preferred; optional properties filled, read-only ones not.
        self.assertEqual(case["media_type"], "application/json")
        self.assertEqual(sorted(case["body"]), ["name", "note", "when"])
        self.assertLessEqual(len(case["body"]["name"]), 4)
        self.assertEqual(case["body"]["when"], "2024-05-06T07:08:09Z")

    def test_the_same_seed_gives_the_same_cases(self):
        self.assertEqual(cases.cases(DOC, seed=3), cases.cases(DOC, seed=3))


# Stripe's shapes: a deepObject query parameter that is a union of a range
# object and an integer, and a form body whose properties nest.
STRIPE = {
    "openapi": "3.0.0",
    "paths": {"/v1/charges": {"post": {
        "parameters": [{"name": "created", "in": "query", "style": "deepObject", "explode": True,
                        "schema": {"anyOf": [{"$ref": "#/components/schemas/Range"}, {"type": "integer"}]}}],
        "requestBody": {"content": {"application/x-www-form-urlencoded": {
            "schema": {"type": "object", "additionalProperties": False, "required": ["amount"], "properties": {
                "amount": {"type": "integer"},
                "expand": {"type": "array", "items": {"type": "string", "maxLength": 5}},
                "shipping": {"type": "object", "properties": {
                    "address": {"type": "object", "properties": {"line1": {"type": "string"}}},
                    "carrier": {"anyOf": [{"type": "string", "enum": ["ups", "dhl"]}, {"type": "string", "enum": [""]}]},
                }},
                "tags": {"type": "array", "items": {"type": "string"}},
            }},
            "encoding": {"expand": {"style": "deepObject", "explode": True},
                         "shipping": {"style": "deepObject", "explode": True}},
        }}},
    }}},
    "components": {"schemas": {"Range": {"type": "object", "properties": {
        "gt": {"type": "integer"}, "lte": {"type": "integer"}}}}},
}
CREATED = STRIPE["paths"]["/v1/charges"]["post"]["parameters"][0]["schema"]
BODY = STRIPE["paths"]["/v1/charges"]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]


class DeepObject(unittest.TestCase):
    def test_nested_keys_and_indexes_read_back_as_the_schema_types_them(self):
        pairs = [("amount", "7"), ("expand[0]", "a"), ("expand[1]", "b"), ("shipping[address][line1]", "x y"),
                 ("shipping[carrier]", ""), ("tags", "t1"), ("tags", "t2")]
        body, errors = deepobject.form_body(STRIPE, BODY["schema"], BODY["encoding"], pairs)
        self.assertEqual(errors, [])
        self.assertEqual(body, {"amount": 7, "expand": ["a", "b"], "shipping": {"address": {"line1": "x y"}, "carrier": ""},
                                "tags": ["t1", "t2"]})

    def test_a_union_takes_the_member_its_value_is_valid_for(self):
        self.assertEqual(deepobject.read(STRIPE, "created", CREATED, [("created[gt]", "5")]), ({"gt": 5}, []))
        self.assertEqual(deepobject.read(STRIPE, "created", CREATED, [("created", "5")]), (5, []))
        self.assertEqual(deepobject.read(STRIPE, "created", CREATED, [("other", "5")]), (None, []))

    def test_what_breaks_the_schema_or_the_style_is_reported(self):
        def body_errors(pairs):
            return deepobject.form_body(STRIPE, BODY["schema"], BODY["encoding"], pairs)[1]

        self.assertTrue(body_errors([("amount", "seven")]))  # not an integer
        self.assertTrue(body_errors([("expand[0]", "a")]))  # `amount` missing
        self.assertTrue(body_errors([("amount", "1"), ("expand[0]", "a"), ("expand[2]", "b")]))  # an index skipped
        self.assertTrue(body_errors([("amount", "1"), ("expand[0]", "toolong")]))  # maxLength
        self.assertTrue(body_errors([("amount", "1"), ("shipping[carrier]", "fedex")]))  # no member matches
        self.assertTrue(body_errors([("amount", "1"), ("amount", "2")]))  # sent twice
        self.assertTrue(body_errors([("amount", "1"), ("shipping[address]", "x"), ("shipping[address][line1]", "y")]))
        self.assertTrue(body_errors([("amount", "1"), ("color", "red")]))  # additionalProperties: false
        self.assertTrue(deepobject.read(STRIPE, "created", CREATED, [("created[gt]", "soon")])[1])
        # JSON text where the style wants brackets is a string, not an object.
        self.assertTrue(deepobject.read(STRIPE, "created", CREATED, [("created", '{"gt":5}')])[1])

    def test_empty_objects_have_no_wire_form(self):
        self.assertEqual(deepobject.on_the_wire({"a": {"b": {}}, "c": [], "d": 1}), {"d": 1})

    def test_run_compares_what_it_reads_with_what_the_client_was_given(self):
        here = run.read_here(STRIPE)
        self.assertIn(("POST /v1/charges", "query", "created"), here)
        self.assertIn(("POST /v1/charges", "body", "application/x-www-form-urlencoded"), here)
        case = {"operation": "POST /v1/charges", "query": {"created": {"gt": 5}}, "media_type":
                "application/x-www-form-urlencoded", "body": {"amount": 7, "shipping": {"address": {"line1": "x y"}}}}

        def judged(query, data):
            request = EnvironBuilder(method="POST", path="/v1/charges", query_string=query, data=data,
                                     content_type="application/x-www-form-urlencoded").get_request()
            return run.judged_here(STRIPE, case, request, here)

        self.assertEqual(judged("created%5Bgt%5D=5", "amount=7&shipping%5Baddress%5D%5Bline1%5D=x%20y"), [])
        # A client that JSON-quotes a leaf, or flattens a level, is caught.
        [quoted] = judged("created%5Bgt%5D=5", "amount=7&shipping%5Baddress%5D%5Bline1%5D=%22x%20y%22")
        self.assertIn('body/shipping/address/line1: sent "\\"x y\\"", given "x y"', quoted)
        self.assertTrue(judged("created%5Bgt%5D=5", "amount=7&shipping%5Bline1%5D=x%20y"))
        self.assertTrue(judged("created=%7B%22gt%22%3A5%7D", "amount=7&shipping%5Baddress%5D%5Bline1%5D=x%20y"))
        self.assertTrue(judged("", "amount=7&shipping%5Baddress%5D%5Bline1%5D=x%20y"))  # not sent


class BrokenEncoder(unittest.TestCase):
    def test_a_client_json_quoting_its_parameters_fails_the_run(self):
        apigen = os.environ.get("APIGEN", str(run.ROOT / "target" / "debug" / "apigen"))
        out = run.OUT / "quoting-broken"
        problems, operations, validated = run.run(HERE / "quoting.yaml", apigen, out, seed=1, broken=True)
        self.assertEqual((operations, validated), (1, 0), problems)
        [problem] = problems
        # Each value the patched encoders write is read back with its
        # quotes: a required query string and the items of an exploded array.
        self.assertIn('query `q`: sent "\\"a b&c=d+e/f?g\\"", given "a b&c=d+e/f?g"', problem)
        self.assertIn('query `tags`: sent ["\\"x y\\"", "\\"x y\\""], given ["x y", "x y"]', problem)
        # Optional parameters and `explode: false` arrays go through other
        # encoders (`push`, `join`): patched too, and caught too.
        self.assertIn('header `X-Trace`: sent "\\"', problem)
        self.assertIn('query `fields`: sent ["\\"', problem)


if __name__ == "__main__":
    unittest.main()

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
import run  # noqa: E402

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

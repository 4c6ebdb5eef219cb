#!/usr/bin/env python3
"""The official Vast.ai SDK (vastai 1.9.1) against fake-cloud's Vast stub
(optional part of tests/sdk_compat.rs; CI does not install vastai).

Usage: python3 tests/sdk/vast_sdk.py http://127.0.0.1:PORT

Expects fake-cloud's default Vast state. The SDK sends `{}` on DELETE, the
documented trailing slashes, and needs a JSON body on every 2xx:

1. detach_ssh(99999, "12345") returns the documented success object;
2. the same call again raises HTTPError 404 with error `no_such_ssh_key`;
3. delete_api_key(123) returns the JSON string;
4. a wrong API key raises HTTPError 401 with `msg`.
"""

import json
import sys

import requests
from vastai import VastAI


def http_error(call):
    try:
        call()
    except requests.exceptions.HTTPError as e:
        return e.response
    raise AssertionError("no HTTPError")


def main(endpoint):
    vast = VastAI(api_key="vast_test_key", server_url=endpoint, retry=1)
    seen = {}
    seen["detach"] = vast.detach_ssh(99999, "12345")
    assert seen["detach"] == {"success": True, "msg": "SSH key removed from instance."}, seen
    r = http_error(lambda: vast.detach_ssh(99999, "12345"))
    assert r.status_code == 404 and r.json()["error"] == "no_such_ssh_key", (r.status_code, r.text)
    seen["second_detach"] = [r.status_code, r.json()["error"]]
    seen["delete_api_key"] = vast.delete_api_key(123)
    assert seen["delete_api_key"] == "Successfully Deleted API Key", seen
    wrong = VastAI(api_key="wrong", server_url=endpoint, retry=1)
    r = http_error(lambda: wrong.delete_api_key(124))
    assert r.status_code == 401 and r.json()["msg"], (r.status_code, r.text)
    seen["wrong_key"] = [r.status_code, r.json()["msg"]]
    print(json.dumps(seen))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])

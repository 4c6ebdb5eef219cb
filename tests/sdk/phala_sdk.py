#!/usr/bin/env python3
"""The official Phala Cloud SDK (phala-cloud 0.2.0) against fake-cloud's
Phala stub (optional part of tests/sdk_compat.rs; CI does not install it:
see ../shared/wire-formats.md for its install quirk).

Usage: python3 tests/sdk/phala_sdk.py http://127.0.0.1:PORT

Expects fake-cloud's default Phala state. The SDK authenticates with
X-API-Key and maps errors by status:

1. delete_ssh_key("sshk_test1") returns None;
2. the same call again raises BusinessError 404 with the FastAPI detail;
3. a wrong API key raises AuthError 401.
"""

import json
import sys

from phala_cloud import PhalaCloud, errors


def api_error(call):
    try:
        call()
    except errors.ApiError as e:
        return e
    raise AssertionError("no ApiError")


def main(endpoint):
    base = endpoint.rstrip("/") + "/api/v1"
    phala = PhalaCloud(api_key="phak_test_key", base_url=base)
    seen = {"delete": phala.delete_ssh_key({"key_id": "sshk_test1"})}
    assert seen["delete"] is None, seen
    e = api_error(lambda: phala.delete_ssh_key({"key_id": "sshk_test1"}))
    assert isinstance(e, errors.BusinessError) and e.status_code == 404, (type(e), e.status_code, e.detail)
    seen["second_delete"] = [type(e).__name__, e.status_code, e.detail]
    wrong = PhalaCloud(api_key="wrong", base_url=base)
    e = api_error(lambda: wrong.delete_ssh_key({"key_id": "sshk_test2"}))
    assert isinstance(e, errors.AuthError) and e.status_code == 401, (type(e), e.status_code, e.detail)
    seen["wrong_key"] = [type(e).__name__, e.status_code]
    print(json.dumps(seen))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])

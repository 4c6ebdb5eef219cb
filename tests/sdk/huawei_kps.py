#!/usr/bin/env python3
"""The official Huawei Cloud KPS SDK against fake-cloud's Huawei stub
(optional part of tests/sdk_compat.rs; needs huaweicloudsdkcore and
huaweicloudsdkkps, which CI does not install).

Usage: python3 tests/sdk/huawei_kps.py http://127.0.0.1:PORT

Expects fake-cloud's default Huawei state. Checks, with the SDK's own
SDK-HMAC-SHA256 signing:

1. delete_keypair("my-keypair") succeeds;
2. the same call again raises ClientRequestException 400 with a KPS code;
3. a wrong SK raises ClientRequestException 401.
"""

import json
import sys

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkkps.v3 import DeleteKeypairRequest, KpsClient

PROJECT_ID = "0123456789abcdef0123456789abcdef"


def kps(endpoint, sk="HUAWEITESTSK"):
    # ak, sk and project_id all given: no hidden calls to IAM or the metadata service.
    credentials = BasicCredentials(ak="HUAWEITESTAK", sk=sk, project_id=PROJECT_ID)
    config = HttpConfig.get_default_config()
    config.retry_times = 0
    return (
        KpsClient.new_builder()
        .with_credentials(credentials)
        .with_endpoints([endpoint])
        .with_http_config(config)
        .build()
    )


def expect_client_error(call):
    try:
        call()
    except ClientRequestException as e:
        return e
    raise AssertionError("no ClientRequestException")


def main(endpoint):
    client = kps(endpoint)
    seen = {}
    response = client.delete_keypair(DeleteKeypairRequest(keypair_name="my-keypair"))
    assert response.status_code == 204, response.status_code
    seen["delete"] = response.status_code

    e = expect_client_error(lambda: client.delete_keypair(DeleteKeypairRequest(keypair_name="my-keypair")))
    assert e.status_code == 400 and e.error_code.startswith("KPS."), (e.status_code, e.error_code, e.error_msg)
    seen["second_delete"] = [e.status_code, e.error_code]

    bad = kps(endpoint, sk="WRONGSK")
    e = expect_client_error(lambda: bad.delete_keypair(DeleteKeypairRequest(keypair_name="my-keypair-2")))
    assert e.status_code == 401, (e.status_code, e.error_code, e.error_msg)
    seen["wrong_sk"] = [e.status_code, e.error_code]
    print(json.dumps(seen))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])

#!/usr/bin/env python3
"""boto3 against fake-cloud's AWS Transfer stub (tests/sdk_compat.rs).

Usage: python3 tests/sdk/boto3_transfer.py http://127.0.0.1:PORT

Expects fake-cloud's default AWS state (server s-01234567890abcdef, user
my_user, keys key-0123456789abcdef0 and key-0123456789abcdef1; access key
AKIDTEST / SECRETTEST). Checks, with the real SDK and its SigV4 signing:

1. a signed delete_ssh_public_key succeeds;
2. the same call again raises client.exceptions.ResourceNotFoundException,
   with Resource and ResourceType;
3. a ServerId that passes boto3's own length check (19) but not the
   service's pattern raises client.exceptions.InvalidRequestException;
4. a wrong secret key raises ClientError with HTTP status 403.

Exits 0 and prints one JSON line of what it saw, or raises.
"""

import json
import sys

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

SERVER_ID = "s-01234567890abcdef"
USER_NAME = "my_user"
KEY_ID = "key-0123456789abcdef0"
OTHER_KEY_ID = "key-0123456789abcdef1"


def transfer(endpoint, secret="SECRETTEST"):
    return boto3.client(
        "transfer",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIDTEST",
        aws_secret_access_key=secret,
        # One attempt: a failure is reported as it is, quickly.
        config=Config(retries={"total_max_attempts": 1}),
    )


def expect_error(exception_class, call, **params):
    try:
        call(**params)
    except exception_class as e:
        return e
    raise AssertionError(f"{call.__name__}({params}) did not raise {exception_class.__name__}")


def main(endpoint):
    client = transfer(endpoint)
    delete = client.delete_ssh_public_key
    seen = {"boto3": boto3.__version__, "botocore": botocore.__version__}

    # 1. Signed delete: success.
    response = delete(ServerId=SERVER_ID, UserName=USER_NAME, SshPublicKeyId=KEY_ID)
    status = response["ResponseMetadata"]["HTTPStatusCode"]
    assert status == 200, f"delete: HTTP {status}"
    seen["delete"] = status

    # 2. Again: the modelled ResourceNotFoundException.
    e = expect_error(
        client.exceptions.ResourceNotFoundException,
        delete,
        ServerId=SERVER_ID,
        UserName=USER_NAME,
        SshPublicKeyId=KEY_ID,
    )
    assert e.response["Error"]["Code"] == "ResourceNotFoundException", e.response
    assert e.response.get("Resource") == KEY_ID, e.response
    assert e.response.get("ResourceType"), e.response
    assert e.response["ResponseMetadata"].get("RequestId"), "x-amzn-RequestId is read as RequestId"
    seen["second_delete"] = e.response["Error"]["Code"]

    # 3. A bad ServerId: boto3 checks only its length, the service its pattern.
    e = expect_error(
        client.exceptions.InvalidRequestException,
        delete,
        ServerId="s-XXXXXXXXXXXXXXXXX",
        UserName=USER_NAME,
        SshPublicKeyId=OTHER_KEY_ID,
    )
    assert e.response["Error"]["Message"], e.response
    seen["bad_server_id"] = e.response["Error"]["Code"]

    # 4. A wrong secret: the signature does not verify.
    e = expect_error(
        ClientError,
        transfer(endpoint, secret="WRONGSECRET").delete_ssh_public_key,
        ServerId=SERVER_ID,
        UserName=USER_NAME,
        SshPublicKeyId=OTHER_KEY_ID,
    )
    status = e.response["ResponseMetadata"]["HTTPStatusCode"]
    assert status == 403, f"wrong secret: HTTP {status}, {e.response}"
    seen["wrong_secret"] = [status, e.response["Error"]["Code"]]

    # The other key survived everything above.
    delete(ServerId=SERVER_ID, UserName=USER_NAME, SshPublicKeyId=OTHER_KEY_ID)
    print(json.dumps(seen))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])

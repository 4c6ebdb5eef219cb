#!/usr/bin/env python3
"""Seed a running moto server for the `moto` end-to-end test (tests/moto.rs).

Usage: python3 tests/moto/seed.py http://127.0.0.1:PORT

Creates an AWS Transfer server, a service-managed user on it and one SSH
public key for that user, then prints one line of JSON:
{"server_id": ..., "user_name": ..., "ssh_public_key_id": ..., "moto_version": ...}

The credentials and region must match the ones the Rust test signs with:
moto keeps its state per account and per region (taken from the SigV4
credential scope).
"""

import json
import sys

import boto3

ACCESS_KEY_ID = "AKIDTEST"
SECRET_ACCESS_KEY = "SECRETTEST"
REGION = "us-east-1"
USER_NAME = "my_user"
ROLE = "arn:aws:iam::123456789012:role/transfer"
HOME_DIRECTORY = "/bucket"
# A syntactically plausible RSA public key; moto does not parse it.
SSH_PUBLIC_KEY = (
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC3F6ZbW4Wk8vQxJt0m1Yp2x9Lr7aKc5uN4"
    "hGd8sE2fTq6jVb1oPzXy0wRiMnC3lD5kHa7gS9uBt4vE2QfJx8YcNp1LmK6oWzR3dT0sUi"
    "Va9bGh2jX5eFq7rCk4nM8yPw1tL6zD3oS0uH9gB2iK5vN7cE4xJ1aQ8mR6fT3wY0pZ test"
)


def main() -> int:
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} ENDPOINT_URL", file=sys.stderr)
        return 2
    endpoint_url = sys.argv[1]

    transfer = boto3.client(
        "transfer",
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET_ACCESS_KEY,
    )

    server_id = transfer.create_server(IdentityProviderType="SERVICE_MANAGED")["ServerId"]
    transfer.create_user(
        ServerId=server_id,
        UserName=USER_NAME,
        Role=ROLE,
        HomeDirectory=HOME_DIRECTORY,
    )
    imported = transfer.import_ssh_public_key(
        ServerId=server_id,
        UserName=USER_NAME,
        SshPublicKeyBody=SSH_PUBLIC_KEY,
    )

    try:
        from importlib.metadata import version

        moto_version = version("moto")
    except Exception:  # noqa: BLE001 - the version is informational only
        moto_version = "unknown"

    print(
        json.dumps(
            {
                "server_id": server_id,
                "user_name": imported["UserName"],
                "ssh_public_key_id": imported["SshPublicKeyId"],
                "moto_version": moto_version,
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

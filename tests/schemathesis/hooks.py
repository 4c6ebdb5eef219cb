"""Schemathesis hooks for fake-cloud (loaded through SCHEMATHESIS_HOOKS by
tests/schemathesis/run.sh).

What the stubs need that an OpenAPI document cannot tell schemathesis:

* Credentials. Phala and Vast take a token header (run.sh passes it with
  -H). Huawei's SDK signs every request with SDK-HMAC-SHA256 and AWS's with
  SigV4; both sign the final bytes (path, headers, body hash), so they are
  requests auth objects registered with `schemathesis.auth`, which apply
  them to the prepared request. ignored_auth then probes without them.
* Resources that exist. Deletes of random ids only ever reach "not found".
  run.sh starts fake-cloud with the fixture state in state/API.json, and
  positive test cases take their ids from it about half of the time
  (picked from the generated value, so hypothesis replays stay exact),
  so success answers are reached and checked too. Negative cases keep
  their generated values, so negative_data_rejection checks what they are
  meant to check. Unknown ids are never made to succeed.

Environment: APIGEN_ST_API (phala, vast, huawei, aws) and APIGEN_ST_STATE
(the fixture file fake-cloud was started with).
"""

import datetime
import hashlib
import hmac
import json
import os
import zlib
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import requests
import schemathesis

API = os.environ["APIGEN_ST_API"]
STATE = json.load(open(os.environ["APIGEN_ST_STATE"], encoding="utf-8"))


def known_ids():
    """Per operation, the path parameters or body fields of resources the fixture has."""
    r = STATE["resources"]
    if API == "phala":
        return {"delete_ssh_key": [{"key_id": k["id"]} for k in r["ssh_keys"]]}
    if API == "vast":
        return {
            "detach_ssh": [{"id": i["id"], "ssh_key_id": k} for i in r["instances"] for k in i["ssh_keys"]],
            "delete_api_key": [{"id": k["id"]} for k in r["api_keys"]],
        }
    if API == "huawei":
        return {
            "DeleteKeypair": [
                {"project_id": p["id"], "keypair_name": k} for p in r["projects"] for k in p["keypairs"]
            ]
        }
    return {
        "DeleteSshPublicKey": [
            {"ServerId": s["server_id"], "UserName": u["user_name"], "SshPublicKeyId": k}
            for s in r["servers"]
            for u in s["users"]
            for k in u["ssh_public_key_ids"]
        ]
    }


KNOWN = known_ids()


def pick(operation_id, generated):
    """A known resource for about half of the generated values, else None."""
    choices = KNOWN.get(operation_id, [])
    digest = zlib.crc32(repr(generated).encode())
    if not choices or digest % 2:
        return None
    return choices[(digest >> 1) % len(choices)]


@schemathesis.hook
def map_case(ctx, case):
    meta = case.meta
    # Only wholly positive cases: a negative one keeps its invalid parts.
    if meta is None or not meta.generation.mode.is_positive:
        return case
    if any(component.mode.is_negative for component in meta.components.values()):
        return case
    operation_id = case.operation.definition.raw.get("operationId")
    if API == "aws":
        if isinstance(case.body, dict):
            known = pick(operation_id, case.body)
            if known:
                case.body = {**case.body, **known}
    elif isinstance(case.path_parameters, dict):
        known = pick(operation_id, case.path_parameters)
        if known:
            case.path_parameters = {**case.path_parameters, **known}
    return case


def amz_date():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def body_bytes(request):
    body = request.body or b""
    return body.encode() if isinstance(body, str) else body


class HuaweiSigner(requests.auth.AuthBase):
    """SDK-HMAC-SHA256 as huaweicloudsdkcore signs (../shared/wire-formats.md §4):
    the raw SK as key, the canonical URI decoded, re-encoded and ending in `/`."""

    def __init__(self, ak, sk):
        self.ak, self.sk = ak, sk

    def __call__(self, request):
        url = urlsplit(request.url)
        request.headers["Host"] = url.netloc
        request.headers["X-Sdk-Date"] = amz_date()
        uri = "/".join(quote(s, safe="~") for s in unquote(url.path).split("/"))
        if not uri.endswith("/"):
            uri += "/"
        query = "&".join(
            f"{k}={v}"
            for k, v in sorted((quote(k, safe="~"), quote(v, safe="~")) for k, v in parse_qsl(url.query, True))
        )
        names = sorted(n.lower() for n in request.headers if n.lower() in ("content-type", "host", "x-sdk-date"))
        values = {n.lower(): str(v).strip() for n, v in request.headers.items()}
        lines = "".join(f"{n}:{values[n]}\n" for n in names)
        body_hash = hashlib.sha256(body_bytes(request)).hexdigest()
        canonical = f"{request.method}\n{uri}\n{query}\n{lines}\n{';'.join(names)}\n{body_hash}"
        to_sign = f"SDK-HMAC-SHA256\n{request.headers['X-Sdk-Date']}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        signature = hmac.new(self.sk.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
        request.headers["Authorization"] = (
            f"SDK-HMAC-SHA256 Access={self.ak}, SignedHeaders={';'.join(names)}, Signature={signature}"
        )
        return request


class SigV4Signer(requests.auth.AuthBase):
    """SigV4 with botocore's own signer, service `transfer`, as boto3 signs."""

    def __init__(self, access_key, secret_key, region="us-east-1"):
        from botocore.credentials import Credentials

        self.credentials, self.region = Credentials(access_key, secret_key), region

    def __call__(self, request):
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest

        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("authorization", "x-amz-date")}
        aws = AWSRequest(method=request.method, url=request.url, data=body_bytes(request), headers=headers)
        SigV4Auth(self.credentials, "transfer", self.region).add_auth(aws)
        for name in ("Authorization", "X-Amz-Date"):
            request.headers[name] = aws.headers[name]
        return request


if API == "huawei":
    key = STATE["credentials"]["access_keys"][0]
    schemathesis.auth.set_from_requests(HuaweiSigner(key["access_key"], key["secret_key"]))
elif API == "aws":
    key = STATE["credentials"]["access_keys"][0]
    schemathesis.auth.set_from_requests(SigV4Signer(key["access_key_id"], key["secret_access_key"]))
    # awsJson1_1 bodies are JSON under their own media type.

    @schemathesis.serializer("application/x-amz-json-1.1")
    def aws_json_request(ctx, value):
        return json.dumps(value).encode()

    @schemathesis.deserializer("application/x-amz-json-1.1")
    def aws_json_response(ctx, response):
        return json.loads(response.content) if response.content else None

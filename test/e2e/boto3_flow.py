"""The core Lambda flow through boto3, driven by test/e2e/boto3.test.ts.

Usage: python3 boto3_flow.py ENDPOINT_URL NAME_PREFIX

Runs create, wait, invoke (with the log tail), get (and downloads Code.Location), list (through the paginator),
update code, errors and delete against lambkin, and prints one JSON document of what it observed. The TypeScript
test makes the assertions, so a failure there shows the observed values.
"""
import base64
import hashlib
import io
import json
import sys
import urllib.request
import zipfile

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::000000000000:role/lambda-role"

V1 = """export const handler = async (event, context) => {
  console.log('boto3 says hi to', event.name);
  return { version: 1, message: `Hello, ${event.name}!`, functionName: context.functionName };
};
"""

V2 = """exports.handler = async (event) => {
  console.log('v2 for', event.name);
  return { version: 2, message: `Bye, ${event.name}!` };
};
"""

THROWS = "exports.handler = async () => { throw new RangeError('out of range'); };\n"


def zip_of(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


def sha256_b64(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def error_of(call):
    """Runs call() expecting a ClientError; returns its code, message and HTTP status."""
    try:
        call()
    except ClientError as e:
        return {
            "code": e.response["Error"]["Code"],
            "message": e.response["Error"].get("Message", ""),
            "status": e.response["ResponseMetadata"]["HTTPStatusCode"],
        }
    return None


def invoke(lam, name, event, tail=False):
    kwargs = {"FunctionName": name, "Payload": json.dumps(event).encode()}
    if tail:
        kwargs["LogType"] = "Tail"
    r = lam.invoke(**kwargs)
    return {
        "status": r["StatusCode"],
        "executedVersion": r.get("ExecutedVersion"),
        "functionError": r.get("FunctionError"),
        "payload": json.loads(r["Payload"].read()),
        "log": base64.b64decode(r["LogResult"]).decode() if "LogResult" in r else None,
    }


def main(endpoint, prefix):
    lam = boto3.client(
        "lambda",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}, read_timeout=60),
    )
    out = {}
    name = prefix + "-main"
    v1_zip = zip_of({"index.mjs": V1})
    v2_zip = zip_of({"index.js": V2})

    created = lam.create_function(
        FunctionName=name, Runtime="nodejs22.x", Role=ROLE, Handler="index.handler", Code={"ZipFile": v1_zip},
        Environment={"Variables": {"STAGE": "boto3"}}, Timeout=10,
    )
    out["create"] = {
        "status": created["ResponseMetadata"]["HTTPStatusCode"],
        "name": created["FunctionName"],
        "runtime": created["Runtime"],
        "codeSha256": created["CodeSha256"],
        "expectedSha256": sha256_b64(v1_zip),
        "codeSize": created["CodeSize"],
        "expectedSize": len(v1_zip),
        "environment": created.get("Environment"),
    }
    lam.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})

    out["invoke"] = invoke(lam, name, {"name": "Grace"}, tail=True)

    got = lam.get_function(FunctionName=name)
    with urllib.request.urlopen(got["Code"]["Location"], timeout=30) as resp:
        downloaded = resp.read()
    out["get"] = {
        "state": got["Configuration"]["State"],
        "lastUpdateStatus": got["Configuration"]["LastUpdateStatus"],
        "timeout": got["Configuration"]["Timeout"],
        "downloadMatches": downloaded == v1_zip,
    }

    extra = [prefix + "-list-" + str(i) for i in range(3)]
    for n in extra:
        lam.create_function(FunctionName=n, Runtime="nodejs20.x", Role=ROLE, Handler="index.handler", Code={"ZipFile": v2_zip})
    pages = list(lam.get_paginator("list_functions").paginate(PaginationConfig={"PageSize": 2}))
    out["list"] = {
        "pages": len(pages),
        "pageSizes": [len(p["Functions"]) for p in pages],
        "names": [f["FunctionName"] for p in pages for f in p["Functions"]],
    }

    updated = lam.update_function_code(FunctionName=name, ZipFile=v2_zip)
    lam.get_waiter("function_updated_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    out["update"] = {
        "codeSha256": updated["CodeSha256"],
        "expectedSha256": sha256_b64(v2_zip),
        "invoke": invoke(lam, name, {"name": "Grace"}, tail=True),
    }

    thrower = prefix + "-throws"
    lam.create_function(FunctionName=thrower, Runtime="nodejs20.x", Role=ROLE, Handler="index.handler",
                        Code={"ZipFile": zip_of({"index.js": THROWS})})
    out["handlerError"] = invoke(lam, thrower, {})

    missing = prefix + "-missing"
    out["errors"] = {
        "duplicate": error_of(lambda: lam.create_function(
            FunctionName=name, Runtime="nodejs20.x", Role=ROLE, Handler="index.handler", Code={"ZipFile": v1_zip})),
        "getMissing": error_of(lambda: lam.get_function(FunctionName=missing)),
        "invokeMissing": error_of(lambda: lam.invoke(FunctionName=missing, Payload=b"{}")),
        "badZip": error_of(lambda: lam.create_function(
            FunctionName=prefix + "-badzip", Runtime="nodejs20.x", Role=ROLE, Handler="index.handler",
            Code={"ZipFile": b"this is not a zip"})),
        "badRuntime": error_of(lambda: lam.create_function(
            FunctionName=prefix + "-badruntime", Runtime="cobol85", Role=ROLE, Handler="index.handler",
            Code={"ZipFile": v1_zip})),
    }

    deleted = []
    for n in [name, thrower] + extra:
        deleted.append(lam.delete_function(FunctionName=n)["ResponseMetadata"]["HTTPStatusCode"])
    remaining = [f["FunctionName"] for p in lam.get_paginator("list_functions").paginate() for f in p["Functions"]]
    out["delete"] = {
        "statuses": deleted,
        "getAfter": error_of(lambda: lam.get_function(FunctionName=name)),
        "remainingWithPrefix": [n for n in remaining if n.startswith(prefix)],
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

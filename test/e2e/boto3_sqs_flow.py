"""SQS and SQS event source mappings through boto3, driven by test/e2e/boto3-sqs.test.ts.

Usage: python3 boto3_sqs_flow.py ENDPOINT_URL NAME_PREFIX {core|fifo|esm}

Each flow runs against lambkin and prints one JSON document of what it observed (and, where a value can be computed
independently, what it should be, e.g. MD5s: botocore does not check SQS's MD5s itself). The TypeScript test makes
the assertions, so a failure there shows the observed values. Waits poll with a deadline; nothing sleeps blindly.
"""
import base64
import hashlib
import json
import struct
import sys
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from boto3_flow import zip_of  # the deployment-package builder the Lambda flow uses (same folder)

ACCOUNT = "000000000000"
ROLE = "arn:aws:iam::000000000000:role/lambda-role"

# Reports every record it gets, as received, to the queue named by OUT_NAME. The URL is built from
# AWS_ENDPOINT_URL (set by lambkin inside functions) so it does not depend on the port the queue was created on.
REPORTER = """import { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
export const handler = async (event, context) => {
  const QueueUrl = `${process.env.AWS_ENDPOINT_URL}/000000000000/${process.env.OUT_NAME}`;
  const Entries = event.Records.map((record, i) => ({
    Id: `r${i}`,
    MessageBody: JSON.stringify({ record, batchSize: event.Records.length, requestId: context.awsRequestId, functionName: context.functionName }),
  }));
  const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries }));
  if (out.Failed && out.Failed.length) throw new Error(`report failed: ${JSON.stringify(out.Failed)}`);
  return {};
};
"""


def md5_hex(data):
    return hashlib.md5(data).hexdigest()


def md5_of_attributes(attrs):
    """MD5OfMessageAttributes as SQS computes it (SQS Dev Guide "Message metadata")."""
    buf = b""
    for name in sorted(attrs, key=lambda n: n.encode()):
        a = attrs[name]
        for part in (name.encode(), a["DataType"].encode()):
            buf += struct.pack(">I", len(part)) + part
        if "BinaryValue" in a:
            value = a["BinaryValue"]
            buf += b"\x02" + struct.pack(">I", len(value)) + value
        else:
            value = a["StringValue"].encode()
            buf += b"\x01" + struct.pack(">I", len(value)) + value
    return md5_hex(buf)


def jsonable(value):
    """Responses as JSON: bytes as base64, response metadata left out."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    return value


def error_of(call, client=None, exception=None):
    """Runs call() expecting a ClientError: its code, the query error code, message, HTTP status and modelled class."""
    try:
        call()
    except ClientError as e:
        err = e.response["Error"]
        out = {
            "code": err["Code"],
            "queryErrorCode": err.get("QueryErrorCode"),
            "message": err.get("Message", ""),
            "status": e.response["ResponseMetadata"]["HTTPStatusCode"],
        }
        if client is not None and exception is not None:
            out["isModelled"] = isinstance(e, getattr(client.exceptions, exception))
        return out
    return None


def wait_for(what, check, timeout=20.0, every=0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


def clients(endpoint):
    common = dict(
        endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}, read_timeout=60),
    )
    return boto3.client("sqs", **common), boto3.client("lambda", **common)


def counts(sqs, url):
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return {
        "visible": int(a["ApproximateNumberOfMessages"]),
        "inFlight": int(a["ApproximateNumberOfMessagesNotVisible"]),
        "delayed": int(a["ApproximateNumberOfMessagesDelayed"]),
    }


def receive_n(sqs, url, n, timeout=20.0, delete=False, **kwargs):
    """Receives until n messages arrived (long polls of 1 s); optionally deletes each batch."""
    got = []

    def step():
        r = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=min(10, n - len(got)), WaitTimeSeconds=1, **kwargs)
        batch = r.get("Messages", [])
        got.extend(batch)
        if delete and batch:
            sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": f"d{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)])
        return len(got) >= n

    wait_for(f"{n} messages from {url}", step, timeout, every=0)
    return got


ALL = dict(MessageSystemAttributeNames=["All"], MessageAttributeNames=["All"])


def core(sqs, lam, prefix):
    out = {}
    name = prefix + "-core"
    created = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "40"}, tags={"team": "core"})
    url = created["QueueUrl"]
    other = sqs.create_queue(QueueName=prefix + "-core2")["QueueUrl"]
    out["create"] = {"url": url, "getUrl": sqs.get_queue_url(QueueName=name)["QueueUrl"]}
    out["list"] = sqs.list_queues(QueueNamePrefix=prefix).get("QueueUrls", [])
    pages = list(sqs.get_paginator("list_queues").paginate(QueueNamePrefix=prefix, PaginationConfig={"PageSize": 1}))
    out["listPaged"] = {"pages": len(pages), "urls": [u for p in pages for u in p.get("QueueUrls", [])]}
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    out["attributes"] = attrs

    body = "boto3 says héllo ✓"
    message_attributes = {
        "colour": {"DataType": "String", "StringValue": "green"},
        "n": {"DataType": "Number", "StringValue": "3.5"},
        "blob": {"DataType": "Binary", "BinaryValue": bytes([0, 1, 2, 254, 255])},
    }
    sent = sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes=message_attributes)
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=5, VisibilityTimeout=30, **ALL)["Messages"]
    m = received[0]
    out["send"] = {
        "sent": jsonable(sent),
        "expectedBodyMd5": md5_hex(body.encode()),
        "expectedAttributesMd5": md5_of_attributes(message_attributes),
        "receivedCount": len(received),
        "received": jsonable(m),
        "receivedAttributesMd5": md5_of_attributes(m.get("MessageAttributes", {})),
        "blobRoundTrip": m["MessageAttributes"]["blob"]["BinaryValue"] == bytes([0, 1, 2, 254, 255]),
        "countsInFlight": counts(sqs, url),
    }
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
    again = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5, MessageSystemAttributeNames=["ApproximateReceiveCount"])["Messages"][0]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"])
    out["visibility"] = {"sameId": again["MessageId"] == m["MessageId"], "attributes": again.get("Attributes"), "after": counts(sqs, url)}

    entries = [{"Id": f"b{i}", "MessageBody": f"batch-{i}"} for i in range(10)]
    batch = sqs.send_message_batch(QueueUrl=url, Entries=entries)
    got = receive_n(sqs, url, 10, **ALL)
    deleted = sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": f"x{i}", "ReceiptHandle": g["ReceiptHandle"]} for i, g in enumerate(got)])
    out["batch"] = {
        "successfulIds": [s["Id"] for s in batch["Successful"]],
        "failed": batch.get("Failed", []),
        "md5sMatch": all(s["MD5OfMessageBody"] == md5_hex(f"batch-{s['Id'][1:]}".encode()) for s in batch["Successful"]),
        "receivedBodies": sorted(g["Body"] for g in got),
        "receivedMd5sMatch": all(g["MD5OfBody"] == md5_hex(g["Body"].encode()) for g in got),
        "sentIdsMatch": sorted(s["MessageId"] for s in batch["Successful"]) == sorted(g["MessageId"] for g in got),
        "deletedCount": len(deleted["Successful"]),
        "after": counts(sqs, url),
    }

    sqs.send_message(QueueUrl=url, MessageBody="delayed", DelaySeconds=2)
    delayed_counts = counts(sqs, url)
    sent_at = time.monotonic()
    late = receive_n(sqs, url, 1)
    out["delay"] = {"counts": delayed_counts, "body": late[0]["Body"], "waitedS": time.monotonic() - sent_at}

    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": f"p{i}", "MessageBody": "p"} for i in range(3)])
    sqs.purge_queue(QueueUrl=url)
    out["purge"] = {
        "after": wait_for("the purge", lambda: (lambda c: c if c["visible"] == 0 and c["inFlight"] == 0 else None)(counts(sqs, url))),
        "again": error_of(lambda: sqs.purge_queue(QueueUrl=url), sqs, "PurgeQueueInProgress"),
    }

    sqs.tag_queue(QueueUrl=url, Tags={"stage": "dev", "owner": "bob"})
    tags_after_tag = sqs.list_queue_tags(QueueUrl=url).get("Tags")
    sqs.untag_queue(QueueUrl=url, TagKeys=["owner"])
    out["tags"] = {"afterTag": tags_after_tag, "afterUntag": sqs.list_queue_tags(QueueUrl=url).get("Tags")}

    missing = prefix + "-missing"
    missing_url = url.rsplit("/", 1)[0] + "/" + missing
    out["errors"] = {
        "getUrlMissing": error_of(lambda: sqs.get_queue_url(QueueName=missing), sqs, "QueueDoesNotExist"),
        "sendMissing": error_of(lambda: sqs.send_message(QueueUrl=missing_url, MessageBody="x"), sqs, "QueueDoesNotExist"),
        "badAttributeValue": error_of(lambda: sqs.create_queue(QueueName=prefix + "-bad", Attributes={"MessageRetentionPeriod": "10"}), sqs, "InvalidAttributeValue"),
        "badAttributeName": error_of(lambda: sqs.set_queue_attributes(QueueUrl=url, Attributes={"Nope": "1"}), sqs, "InvalidAttributeName"),
        "nameExists": error_of(lambda: sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "41"}), sqs, "QueueNameExists"),
        "badReceiptHandle": error_of(lambda: sqs.delete_message(QueueUrl=url, ReceiptHandle="nope"), sqs, "ReceiptHandleIsInvalid"),
        "emptyBatch": error_of(lambda: sqs.send_message_batch(QueueUrl=url, Entries=[]), sqs, "EmptyBatchRequest"),
    }

    sqs.delete_queue(QueueUrl=url)
    sqs.delete_queue(QueueUrl=other)
    out["delete"] = {
        "getAfter": error_of(lambda: sqs.get_queue_url(QueueName=name), sqs, "QueueDoesNotExist"),
        "remaining": sqs.list_queues(QueueNamePrefix=prefix).get("QueueUrls", []),
    }
    return out


def fifo(sqs, lam, prefix):
    out = {}
    url = sqs.create_queue(QueueName=prefix + "-cbd.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
    sends = []
    for group, body in [("A", "a1"), ("B", "b1"), ("A", "a2"), ("B", "b2"), ("A", "a3")]:
        r = sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=group)
        sends.append({"body": body, "group": group, "id": r["MessageId"], "seq": r["SequenceNumber"]})
    repeat = sqs.send_message(QueueUrl=url, MessageBody="a1", MessageGroupId="A")
    repeat_batch = sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "again", "MessageBody": "b1", "MessageGroupId": "B"}])
    out["contentBased"] = {
        "sends": sends,
        "repeatId": repeat["MessageId"],
        "repeatBatchId": repeat_batch["Successful"][0]["MessageId"],
        "counts": counts(sqs, url),
    }

    # While a group has a message in flight, no later message of that group is handed out.
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, **ALL)["Messages"]
    second = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, **ALL)["Messages"]
    third = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, **ALL).get("Messages", [])
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"])
    sqs.delete_message(QueueUrl=url, ReceiptHandle=second[0]["ReceiptHandle"])
    rest = receive_n(sqs, url, 3, delete=True, **ALL)
    out["order"] = {
        "first": jsonable(first[0]),
        "second": jsonable(second[0]),
        "whileBothGroupsInFlight": [m["Body"] for m in third],
        "rest": [{"body": m["Body"], "group": m["Attributes"]["MessageGroupId"], "seq": m["Attributes"]["SequenceNumber"]} for m in rest],
        "after": counts(sqs, url),
    }

    url2 = sqs.create_queue(QueueName=prefix + "-explicit.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    one = sqs.send_message(QueueUrl=url2, MessageBody="first body", MessageGroupId="g", MessageDeduplicationId="dedup-1")
    two = sqs.send_message(QueueUrl=url2, MessageBody="second body", MessageGroupId="g", MessageDeduplicationId="dedup-1")
    three = sqs.send_message(QueueUrl=url2, MessageBody="first body", MessageGroupId="g", MessageDeduplicationId="dedup-2")
    got = receive_n(sqs, url2, 2, delete=True, **ALL)
    # Deduplication outlives the message: the id is remembered for 5 minutes even after the delete.
    four = sqs.send_message(QueueUrl=url2, MessageBody="third body", MessageGroupId="g", MessageDeduplicationId="dedup-1")
    out["explicit"] = {
        "ids": [one["MessageId"], two["MessageId"], three["MessageId"], four["MessageId"]],
        "seqs": [one["SequenceNumber"], two["SequenceNumber"], three["SequenceNumber"], four["SequenceNumber"]],
        "received": [{"body": m["Body"], "dedupId": m["Attributes"]["MessageDeduplicationId"], "id": m["MessageId"]} for m in got],
        "after": counts(sqs, url2),
        "noDedupId": error_of(lambda: sqs.send_message(QueueUrl=url2, MessageBody="x", MessageGroupId="g")),
        "noGroupId": error_of(lambda: sqs.send_message(QueueUrl=url2, MessageBody="x", MessageDeduplicationId="d")),
    }
    return out


def esm(sqs, lam, prefix):
    out = {}
    source = prefix + "-src"
    source_url = sqs.create_queue(QueueName=source, Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
    source_arn = sqs.get_queue_attributes(QueueUrl=source_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    out_name = prefix + "-out"
    out_url = sqs.create_queue(QueueName=out_name)["QueueUrl"]
    short_url = sqs.create_queue(QueueName=prefix + "-short", Attributes={"VisibilityTimeout": "5"})["QueueUrl"]
    short_arn = sqs.get_queue_attributes(QueueUrl=short_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    fn = prefix + "-fn"
    lam.create_function(
        FunctionName=fn, Runtime="nodejs20.x", Role=ROLE, Handler="index.handler", Code={"ZipFile": zip_of({"index.mjs": REPORTER})},
        Timeout=10, Environment={"Variables": {"OUT_NAME": out_name}},
    )
    lam.get_waiter("function_active_v2").wait(FunctionName=fn, WaiterConfig={"Delay": 1, "MaxAttempts": 30})

    out["visibilityRule"] = error_of(lambda: lam.create_event_source_mapping(FunctionName=fn, EventSourceArn=short_arn))

    created = lam.create_event_source_mapping(FunctionName=fn, EventSourceArn=source_arn, BatchSize=5)
    uuid = created["UUID"]
    out["create"] = {k: created.get(k) for k in ("UUID", "State", "BatchSize", "EventSourceArn", "FunctionArn", "MaximumBatchingWindowInSeconds")}
    out["create"]["status"] = created["ResponseMetadata"]["HTTPStatusCode"]

    def state_is(wanted):
        def check():
            m = lam.get_event_source_mapping(UUID=uuid)
            return m if m["State"] == wanted else None
        return check

    enabled = wait_for("the mapping to be Enabled", state_is("Enabled"))
    out["enabled"] = {"state": enabled["State"], "batchSize": enabled["BatchSize"]}
    out["listed"] = [m["UUID"] for m in lam.list_event_source_mappings(FunctionName=fn)["EventSourceMappings"]]

    bodies = [f"job-{i}" for i in range(3)]
    message_attributes = {"kind": {"DataType": "String", "StringValue": "job"}}
    sent = sqs.send_message_batch(QueueUrl=source_url, Entries=[
        {"Id": f"j{i}", "MessageBody": b, "MessageAttributes": message_attributes} for i, b in enumerate(bodies)
    ])
    reports = [json.loads(m["Body"]) for m in receive_n(sqs, out_url, len(bodies), timeout=30, delete=True)]
    out["delivery"] = {
        "sent": [{"id": s["MessageId"], "body": bodies[int(s["Id"][1:])]} for s in sent["Successful"]],
        "records": [r["record"] for r in reports],
        "batchSizes": [r["batchSize"] for r in reports],
        "functionNames": sorted({r["functionName"] for r in reports}),
        "expectedAttributesMd5": md5_of_attributes(message_attributes),
        "expectedBodyMd5s": {b: md5_hex(b.encode()) for b in bodies},
    }
    drained = wait_for("the source queue to drain", lambda: (lambda c: c if c == {"visible": 0, "inFlight": 0, "delayed": 0} else None)(counts(sqs, source_url)))
    out["drained"] = drained
    after_run = lam.get_event_source_mapping(UUID=uuid)
    out["lastProcessingResult"] = after_run.get("LastProcessingResult")

    disabling = lam.update_event_source_mapping(UUID=uuid, Enabled=False)
    disabled = wait_for("the mapping to be Disabled", state_is("Disabled"))
    # A disabled mapping takes nothing: a message sent now is first received here, by us.
    sqs.send_message(QueueUrl=source_url, MessageBody="while disabled")
    mine = receive_n(sqs, source_url, 1, MessageSystemAttributeNames=["ApproximateReceiveCount"])[0]
    sqs.delete_message(QueueUrl=source_url, ReceiptHandle=mine["ReceiptHandle"])
    out["disable"] = {
        "updateState": disabling["State"], "state": disabled["State"],
        "body": mine["Body"], "receiveCount": mine["Attributes"]["ApproximateReceiveCount"],
    }

    deleting = lam.delete_event_source_mapping(UUID=uuid)
    wait_for("the mapping to be gone", lambda: error_of(lambda: lam.get_event_source_mapping(UUID=uuid)))
    out["delete"] = {
        "state": deleting["State"],
        "status": deleting["ResponseMetadata"]["HTTPStatusCode"],
        "getAfter": error_of(lambda: lam.get_event_source_mapping(UUID=uuid)),
        "listAfter": lam.list_event_source_mappings(FunctionName=fn)["EventSourceMappings"],
    }
    lam.delete_function(FunctionName=fn)
    for u in (source_url, out_url, short_url):
        sqs.delete_queue(QueueUrl=u)
    return out


FLOWS = {"core": core, "fifo": fifo, "esm": esm}


def main(endpoint, prefix, flow):
    sqs, lam = clients(endpoint)
    print(json.dumps(FLOWS[flow](sqs, lam, prefix)))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])

"""SNS through boto3, driven by test/e2e/cli-sns.test.ts.

Usage: python3 boto3_sns_flow.py ENDPOINT_URL TOPIC_NAME

Prints one JSON document of what it observed; the TypeScript test makes the assertions. Waits poll with a deadline.
"""
import json
import sys
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, name = sys.argv[1], sys.argv[2]
config = Config(retries={"max_attempts": 1, "mode": "standard"})
sns = boto3.client("sns", endpoint_url=endpoint, region_name="us-east-1", config=config)
sqs = boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1", config=config)
out = {}


def error_of(call):
    try:
        call()
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
    return None


topic = sns.create_topic(Name=name, Attributes={"DisplayName": "boto"})["TopicArn"]
out["topicArn"] = topic
out["again"] = sns.create_topic(Name=name, Attributes={"DisplayName": "boto"})["TopicArn"]
out["paginatedTopics"] = [t["TopicArn"] for page in sns.get_paginator("list_topics").paginate() for t in page["Topics"]]
out["attributes"] = sns.get_topic_attributes(TopicArn=topic)["Attributes"]

queue_url = sqs.create_queue(QueueName=name + "-q")["QueueUrl"]
queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
sub = sns.subscribe(
    TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, ReturnSubscriptionArn=True,
    Attributes={"RawMessageDelivery": "true", "FilterPolicy": json.dumps({"colour": ["red"]})},
)["SubscriptionArn"]
out["subscriptionAttributes"] = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]

red = {"colour": {"DataType": "String", "StringValue": "red"}}
blue = {"colour": {"DataType": "String", "StringValue": "blue"}}
sns.publish(TopicArn=topic, Message="red", MessageAttributes=red)
sns.publish(TopicArn=topic, Message="blue", MessageAttributes=blue)
batch = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
    {"Id": "r", "Message": "batch red", "MessageAttributes": red},
    {"Id": "b", "Message": "batch blue", "MessageAttributes": blue},
])
out["batchFailed"] = batch.get("Failed", [])

received, attributes = [], None
deadline = time.time() + 30
while len(received) < 2 and time.time() < deadline:
    r = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1, MessageAttributeNames=["All"])
    for m in r.get("Messages", []):
        received.append(m["Body"])
        attributes = m.get("MessageAttributes")
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])
out["received"] = received
out["receivedAttributes"] = attributes

out["errors"] = {
    "publishMissing": error_of(lambda: sns.publish(TopicArn=topic + "-gone", Message="x")),
    "badName": error_of(lambda: sns.create_topic(Name="bad name")),
    "emptyBatch": error_of(lambda: sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[])),
}
sns.delete_topic(TopicArn=topic)
out["afterDelete"] = any(t["TopicArn"] == topic for t in sns.list_topics()["Topics"])
print(json.dumps(out))

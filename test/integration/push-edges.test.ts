// Edges of the push services found by newcomer trials: a FIFO queue as an S3 notification target is refused when
// configured (not dropped at every event), user metadata named like an object property is kept, a bus ARN of
// another region or account is not the local default bus, and an SNS Number with spaces is refused at Publish.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, HeadObjectCommand, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, PublishCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { expectAwsError } from '../helpers/aws-errors.js';
import { call } from '../helpers/http.js';
import { startServer, TEST_CREDENTIALS, uniqueName } from '../helpers/server.js';
import { snsClient } from '../helpers/sns.js';
import { sqsClient } from '../helpers/sqs.js';

let srv: Awaited<ReturnType<typeof startServer>>;
let s3: S3Client;
let eb: EventBridgeClient;
before(async () => {
  srv = await startServer({ spareRuntimes: 0 });
  s3 = new S3Client({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, forcePathStyle: true, maxAttempts: 1 });
  eb = new EventBridgeClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
});
after(async () => {
  s3?.destroy();
  eb?.destroy();
  await srv?.close();
});

test('S3: a FIFO queue as a notification destination is refused when configured', async () => {
  const sqs = sqsClient(srv.url);
  try {
    const name = `${uniqueName('fifo')}.fifo`;
    await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { FifoQueue: 'true' } }));
    const bucket = uniqueName('b').toLowerCase();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await expectAwsError(s3.send(new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: { QueueConfigurations: [{ QueueArn: `arn:aws:sqs:us-east-1:000000000000:${name}`, Events: ['s3:ObjectCreated:*'] }] },
    })), { name: 'InvalidArgument', status: 400, message: 'Unable to validate the following destination configurations' });
  } finally {
    sqs.destroy();
  }
});

test('S3: user metadata named __proto__ is stored and returned like any other', async () => {
  const bucket = uniqueName('m').toLowerCase();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const put = await call(`${srv.url}/${bucket}/k`, {
    method: 'PUT', body: 'x',
    headers: { Authorization: 'AWS4-HMAC-SHA256 Credential=test/20261204/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00', 'x-amz-meta-__proto__': 'kept', 'x-amz-meta-b': 'c' },
  });
  assert.equal(put.status, 200, put.text);
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'k' }));
  assert.deepEqual({ ...head.Metadata }, { __proto__: 'kept', b: 'c' } as Record<string, string>);
});

test('EventBridge: the default bus of another region or account, named by ARN, does not exist here', async () => {
  for (const bus of ['arn:aws:events:eu-west-1:000000000000:event-bus/default', 'arn:aws:events:us-east-1:111111111111:event-bus/default']) {
    await expectAwsError(eb.send(new PutRuleCommand({ Name: uniqueName('r'), EventPattern: '{"source":["x"]}', EventBusName: bus })), {
      name: 'ResourceNotFoundException', status: 400,
    });
    const put = await eb.send(new PutEventsCommand({ Entries: [{ Source: 'x', DetailType: 'd', Detail: '{}', EventBusName: bus }] }));
    assert.equal(put.FailedEntryCount, 1);
    assert.equal(put.Entries![0]!.ErrorCode, 'ResourceNotFoundException');
  }
  const own = await eb.send(new PutRuleCommand({ Name: uniqueName('r'), EventPattern: '{"source":["x"]}', EventBusName: 'arn:aws:events:us-east-1:000000000000:event-bus/default' }));
  assert.match(own.RuleArn!, /:rule\//);
});

test('SNS: a Number attribute with surrounding spaces is refused at Publish', async () => {
  const sns = snsClient(srv.url);
  try {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('t') }));
    for (const value of [' 5', '5 ']) {
      await expectAwsError(sns.send(new PublishCommand({ TopicArn, Message: 'm', MessageAttributes: { n: { DataType: 'Number', StringValue: value } } })), {
        name: 'InvalidParameterValueException', status: 400,
      });
    }
  } finally {
    sns.destroy();
  }
});

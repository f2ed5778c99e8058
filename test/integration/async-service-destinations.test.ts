// SNS topics and EventBridge buses as targets of asynchronous invocation (invocation-semantics.md §3.2, §4): the
// invocation record is published to an on-success or on-failure destination topic, or put on the bus with source
// `lambda` and the result as detail-type; a failed event goes to a dead-letter topic with the RequestID / ErrorCode /
// ErrorMessage message attributes; a missing topic counts as a failed delivery.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InvokeCommand, PutFunctionEventInvokeConfigCommand, UpdateFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { AddPermissionCommand } from '@aws-sdk/client-lambda';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { backlogOf, createQueue, fnArn, receiveJson, REPORTER, type Report } from '../helpers/async.js';
import { deploy } from '../helpers/functions.js';
import { startServer, TEST_CREDENTIALS, uniqueName, waitFor } from '../helpers/server.js';
import { snsClient } from '../helpers/sns.js';
import { sqsClient } from '../helpers/sqs.js';

const FN = { 'index.mjs': 'export const handler = async (e) => { if (e.fail) throw new Error(e.fail); return { done: e.n }; };' };

let srv: Awaited<ReturnType<typeof startServer>>;
let lambda: LambdaClient;
let sns: SNSClient;
let sqs: SQSClient;
before(async () => {
  srv = await startServer({ spareRuntimes: 1, asyncRetryDelayMs: 50 });
  lambda = srv.lambda;
  sns = snsClient(srv.url);
  sqs = sqsClient(srv.url);
});
after(async () => {
  sns?.destroy();
  sqs?.destroy();
  await srv?.close();
});

/** A topic whose messages land in a new queue (raw, or as SNS's JSON envelope). */
async function topicToQueue(raw: boolean) {
  const topic = (await sns.send(new CreateTopicCommand({ Name: uniqueName('dest') }))).TopicArn!;
  const q = await createQueue(sqs, 'via-topic');
  await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'sqs', Endpoint: q.arn, Attributes: { RawMessageDelivery: String(raw) } }));
  return { topic, q };
}

describe('SNS destinations', () => {
  test('on-success and on-failure records are published to their topics', async () => {
    const fn = await deploy(lambda, FN);
    const ok = await topicToQueue(true);
    const failed = await topicToQueue(true);
    await lambda.send(new PutFunctionEventInvokeConfigCommand({
      FunctionName: fn, MaximumRetryAttempts: 0,
      DestinationConfig: { OnSuccess: { Destination: ok.topic }, OnFailure: { Destination: failed.topic } },
    }));
    await lambda.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Event', Payload: Buffer.from('{"n":1}') }));
    await lambda.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Event', Payload: Buffer.from('{"fail":"broken"}') }));
    const [success] = await receiveJson(sqs, ok.q.url, 1);
    assert.equal(success.requestContext.condition, 'Success');
    assert.equal(success.requestContext.functionArn, `${fnArn(fn)}:$LATEST`);
    assert.deepEqual(success.requestPayload, { n: 1 });
    assert.deepEqual(success.responsePayload, { done: 1 });
    const [failure] = await receiveJson(sqs, failed.q.url, 1);
    assert.equal(failure.requestContext.condition, 'RetriesExhausted');
    assert.equal(failure.responsePayload.errorMessage, 'broken');
  });

  test('a dead-letter topic gets the event with the error attributes; a missing topic is a counted failure', async () => {
    const fn = await deploy(lambda, FN);
    const dlq = await topicToQueue(false);
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn, DeadLetterConfig: { TargetArn: dlq.topic } }));
    await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn, MaximumRetryAttempts: 0 }));
    const out = await lambda.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Event', Payload: Buffer.from('{"fail":"dead"}') }));
    const [envelope] = await receiveJson(sqs, dlq.q.url, 1);
    assert.equal(envelope.Type, 'Notification');
    assert.equal(envelope.TopicArn, dlq.topic);
    assert.deepEqual(JSON.parse(envelope.Message), { fail: 'dead' });
    assert.equal(envelope.MessageAttributes.RequestID.Value, out.$metadata.requestId);
    assert.deepEqual(envelope.MessageAttributes.ErrorCode, { Type: 'Number', Value: '200' });
    assert.equal(envelope.MessageAttributes.ErrorMessage.Value, 'dead');

    const lost = await deploy(lambda, FN);
    await lambda.send(new PutFunctionEventInvokeConfigCommand({
      FunctionName: lost, MaximumRetryAttempts: 0, DestinationConfig: { OnSuccess: { Destination: `arn:aws:sns:us-east-1:000000000000:${uniqueName('gone')}` } },
    }));
    await lambda.send(new InvokeCommand({ FunctionName: lost, InvocationType: 'Event', Payload: Buffer.from('{"n":2}') }));
    await waitFor('the failed delivery to be counted', async () => ((await backlogOf(srv.url, lost))?.destinationDeliveryFailures ?? 0) >= 1);
  });
});

describe('EventBridge destinations', () => {
  test('the record goes on the bus as source lambda with the result as detail-type, and a rule routes it on', async () => {
    const events = new EventBridgeClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    try {
      const fn = await deploy(lambda, FN);
      const out = await createQueue(sqs, 'eb-dest');
      const watcher = await deploy(lambda, { 'index.mjs': REPORTER }, { environment: { OUT_NAME: out.name } });
      const rule = uniqueName('results');
      const { RuleArn } = await events.send(new PutRuleCommand({
        Name: rule, EventPattern: JSON.stringify({ source: ['lambda'], 'detail-type': ['Lambda Function Invocation Result - Success'] }),
      }));
      await events.send(new PutTargetsCommand({ Rule: rule, Targets: [{ Id: 'w', Arn: fnArn(watcher) }] }));
      await lambda.send(new AddPermissionCommand({
        FunctionName: watcher, StatementId: 'eb', Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com', SourceArn: RuleArn,
      }));
      const bus = 'arn:aws:events:us-east-1:000000000000:event-bus/default';
      await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn, MaximumRetryAttempts: 0, DestinationConfig: { OnSuccess: { Destination: bus } } }));
      await lambda.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Event', Payload: Buffer.from('{"n":7}') }));
      const reports = await receiveJson<Report>(sqs, out.url, 2);
      const e = reports.find((r) => r.phase === 'end')!.event;
      assert.equal(e.source, 'lambda');
      assert.equal(e['detail-type'], 'Lambda Function Invocation Result - Success');
      assert.deepEqual(e.resources, [`${fnArn(fn)}:$LATEST`, bus]);
      assert.equal(e.detail.requestContext.condition, 'Success');
      assert.deepEqual(e.detail.requestPayload, { n: 7 });
      assert.deepEqual(e.detail.responsePayload, { done: 7 });
    } finally {
      events.destroy();
    }
  });
});

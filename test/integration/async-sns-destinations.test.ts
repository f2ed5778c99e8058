// SNS topics as targets of asynchronous invocation (invocation-semantics.md §3.2, §4): the invocation record is
// published to an on-success or on-failure destination topic, and a failed event to a dead-letter topic with the
// RequestID / ErrorCode / ErrorMessage message attributes; a missing topic counts as a failed delivery.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InvokeCommand, PutFunctionEventInvokeConfigCommand, UpdateFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { backlogOf, createQueue, fnArn, receiveJson } from '../helpers/async.js';
import { deploy } from '../helpers/functions.js';
import { startServer, uniqueName, waitFor } from '../helpers/server.js';
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

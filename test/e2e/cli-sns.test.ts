// SNS end to end as a user drives it: the real AWS CLI v1 (`aws sns create-topic / subscribe / publish
// --message-attributes / publish-batch ...`, with `aws lambda` and `aws sqs` for the subscribers) against a spawned
// `lambkin start`, and the same flow through boto3 (test/e2e/boto3_sns_flow.py).
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { awsCli, awsOk, awsToolEnv, type CliResult } from '../helpers/aws-cli.js';
import { fnArn, queueArn, REPORTER } from '../helpers/async.js';
import { ROLE } from '../helpers/functions.js';
import { tempDir, uniqueName, waitFor } from '../helpers/server.js';
import { killAllSpawned, REPO_ROOT, spawnLambkin, stopLambkin, type SpawnedLambkin } from '../helpers/spawned-lambkin.js';
import { zipOf } from '../helpers/zip.js';

const scratch = tempDir('lambkin-e2e-cli-sns-');
const env = awsToolEnv(scratch);
const ACCOUNT = '000000000000';
const PYTHON = process.env.LAMBKIN_PYTHON || 'python3';
const FLOW = path.join(REPO_ROOT, 'test/e2e/boto3_sns_flow.py');
const boto3Check = spawnSync(PYTHON, ['-c', 'import boto3'], { encoding: 'utf8' });
const noBoto3 = boto3Check.status !== 0 && !process.env.CI ? `boto3 is not importable by ${PYTHON}` : false;

let server: SpawnedLambkin;
before(async () => {
  server = await spawnLambkin(path.join(scratch, 'data'));
});
after(async () => {
  if (server) await stopLambkin(server);
  await killAllSpawned();
  fs.rmSync(scratch, { recursive: true, force: true });
});

const ok = (args: string[]) => awsOk(server.url, env, args);
const run = (args: string[]) => awsCli(server.url, env, args);

function assertCliError(r: CliResult, code: string, operation: string, message: string): void {
  assert.ok(r.code === 254 || r.code === 255, `exit code ${r.code}, stdout: ${r.stdout}, stderr: ${r.stderr}`);
  assert.ok(r.stderr.includes(`An error occurred (${code}) when calling the ${operation} operation: ${message}`), r.stderr);
}

async function receiveCli(url: string, n: number, timeoutMs = 30_000): Promise<{ Body: string; MessageAttributes?: any }[]> {
  const got: { Body: string; MessageAttributes?: any; ReceiptHandle: string }[] = [];
  await waitFor(`${n} messages from ${url}`, async () => {
    const r = await ok(['sqs', 'receive-message', '--queue-url', url, '--max-number-of-messages', '10', '--wait-time-seconds', '1', '--message-attribute-names', 'All']);
    for (const m of r.json?.Messages ?? []) {
      got.push(m);
      await ok(['sqs', 'delete-message', '--queue-url', url, '--receipt-handle', m.ReceiptHandle]);
    }
    return got.length >= n;
  }, timeoutMs, 0);
  return got;
}

async function queueCli(prefix: string): Promise<{ name: string; url: string; arn: string }> {
  const name = uniqueName(prefix);
  const r = await ok(['sqs', 'create-queue', '--queue-name', name]);
  return { name, url: r.json.QueueUrl, arn: queueArn(name) };
}

describe('AWS CLI: SNS against `lambkin start`', () => {
  test('create-topic, subscribe (sqs and lambda), publish --message-attributes, publish-batch, list, errors, delete-topic', async () => {
    const name = uniqueName('cli-topic');
    const created = await ok(['sns', 'create-topic', '--name', name, '--attributes', 'DisplayName=Orders', '--tags', 'Key=team,Value=a']);
    const topic = created.json.TopicArn;
    assert.equal(topic, `arn:aws:sns:us-east-1:${ACCOUNT}:${name}`);
    assert.equal((await ok(['sns', 'get-topic-attributes', '--topic-arn', topic])).json.Attributes.DisplayName, 'Orders');
    assert.ok((await ok(['sns', 'list-topics'])).json.Topics.some((t: any) => t.TopicArn === topic));

    // An SQS subscriber, raw and enveloped, and a Lambda subscriber allowed by its resource-based policy.
    const q = await queueCli('cli-env');
    const raw = await queueCli('cli-raw');
    const sqsSub = (await ok(['sns', 'subscribe', '--topic-arn', topic, '--protocol', 'sqs', '--notification-endpoint', q.arn, '--return-subscription-arn'])).json.SubscriptionArn;
    await ok(['sns', 'subscribe', '--topic-arn', topic, '--protocol', 'sqs', '--notification-endpoint', raw.arn, '--attributes', 'RawMessageDelivery=true']);
    const out = await queueCli('cli-out');
    const fn = uniqueName('cli-sns');
    const zip = path.join(scratch, `${fn}.zip`);
    fs.writeFileSync(zip, zipOf({ 'index.mjs': REPORTER }));
    await ok([
      'lambda', 'create-function', '--function-name', fn, '--runtime', 'nodejs20.x', '--handler', 'index.handler', '--role', ROLE,
      '--zip-file', `fileb://${zip}`, '--environment', `Variables={OUT_NAME=${out.name}}`,
    ]);
    await ok(['lambda', 'add-permission', '--function-name', fn, '--statement-id', 'sns', '--action', 'lambda:InvokeFunction',
      '--principal', 'sns.amazonaws.com', '--source-arn', topic]);
    const fnSub = (await ok(['sns', 'subscribe', '--topic-arn', topic, '--protocol', 'lambda', '--notification-endpoint', fnArn(fn)])).json.SubscriptionArn;
    const listed = (await ok(['sns', 'list-subscriptions-by-topic', '--topic-arn', topic])).json.Subscriptions;
    assert.deepEqual(listed.map((s: any) => s.Protocol).sort(), ['lambda', 'sqs', 'sqs']);

    const attributes = { colour: { DataType: 'String', StringValue: 'red' }, n: { DataType: 'Number', StringValue: '7' } };
    const pub = await ok(['sns', 'publish', '--topic-arn', topic, '--subject', 'Hi', '--message', 'hello from the CLI',
      '--message-attributes', JSON.stringify(attributes)]);
    const messageId = pub.json.MessageId;
    assert.match(messageId, /^[0-9a-f-]{36}$/);

    const [envelope] = (await receiveCli(q.url, 1)).map((m) => JSON.parse(m.Body));
    assert.equal(envelope.Type, 'Notification');
    assert.equal(envelope.MessageId, messageId);
    assert.equal(envelope.TopicArn, topic);
    assert.equal(envelope.Subject, 'Hi');
    assert.equal(envelope.Message, 'hello from the CLI');
    assert.equal(envelope.UnsubscribeURL, `${server.url}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(sqsSub)}`);
    assert.deepEqual(envelope.MessageAttributes, { colour: { Type: 'String', Value: 'red' }, n: { Type: 'Number', Value: '7' } });

    const [rawMessage] = await receiveCli(raw.url, 1);
    assert.equal(rawMessage!.Body, 'hello from the CLI');
    assert.deepEqual(rawMessage!.MessageAttributes, attributes);

    const reports = (await receiveCli(out.url, 2)).map((m) => JSON.parse(m.Body));
    const event = reports.find((r) => r.phase === 'start').event;
    assert.equal(event.Records[0].EventSource, 'aws:sns');
    assert.equal(event.Records[0].EventSubscriptionArn, fnSub);
    assert.equal(event.Records[0].Sns.MessageId, messageId);
    assert.equal(event.Records[0].Sns.Subject, 'Hi');
    assert.equal(event.Records[0].Sns.Message, 'hello from the CLI');
    assert.deepEqual(event.Records[0].Sns.MessageAttributes, envelope.MessageAttributes);

    const batch = await ok(['sns', 'publish-batch', '--topic-arn', topic, '--publish-batch-request-entries', 'Id=a,Message=first', 'Id=b,Message=second']);
    assert.deepEqual(batch.json.Successful.map((s: any) => s.Id), ['a', 'b']);
    assert.deepEqual((await receiveCli(raw.url, 2)).map((m) => m.Body).sort(), ['first', 'second']);

    assertCliError(await run(['sns', 'publish', '--topic-arn', `${topic}-gone`, '--message', 'x']), 'NotFound', 'Publish', 'Topic does not exist');
    assertCliError(await run(['sns', 'subscribe', '--topic-arn', topic, '--protocol', 'sqs', '--notification-endpoint', q.url]),
      'InvalidParameter', 'Subscribe', 'Invalid parameter: SQS endpoint ARN');
    assertCliError(await run(['sns', 'publish', '--topic-arn', topic, '--message', 'x', '--message-attributes', '{"a":{"DataType":"Date","StringValue":"x"}}']),
      'ParameterValueInvalid', 'Publish', "The message attribute 'a' has an invalid message attribute type");

    await ok(['sns', 'unsubscribe', '--subscription-arn', fnSub]);
    await ok(['sns', 'delete-topic', '--topic-arn', topic]);
    assert.ok(!(await ok(['sns', 'list-topics'])).json.Topics.some((t: any) => t.TopicArn === topic));
    assert.ok(!(await ok(['sns', 'list-subscriptions'])).json.Subscriptions.some((s: any) => s.TopicArn === topic));
  });
});

describe('boto3: SNS against `lambkin start`', { skip: noBoto3 }, () => {
  test('topics, an sqs subscription with a filter policy, publish and publish_batch, paginators, errors', async () => {
    const prefix = uniqueName('boto3-sns');
    const o: any = await new Promise((resolve, reject) => {
      execFile(PYTHON, [FLOW, server.url, prefix], {
        env: awsToolEnv(scratch), timeout: 120_000, killSignal: 'SIGKILL', encoding: 'utf8',
      }, (err, stdout, stderr) => (err ? reject(new Error(`${path.basename(FLOW)} failed:\n${stderr}${stdout}`)) : resolve(JSON.parse(stdout))));
    });
    const topic = `arn:aws:sns:us-east-1:${ACCOUNT}:${prefix}`;
    assert.equal(o.topicArn, topic);
    assert.equal(o.again, topic, 'create_topic is idempotent');
    assert.ok(o.paginatedTopics.includes(topic));
    assert.equal(o.attributes.DisplayName, 'boto');
    assert.equal(o.subscriptionAttributes.FilterPolicy, '{"colour": ["red"]}');
    assert.equal(o.subscriptionAttributes.RawMessageDelivery, 'true');
    assert.deepEqual(o.received.sort(), ['batch red', 'red']);
    assert.deepEqual(o.receivedAttributes, { colour: { DataType: 'String', StringValue: 'red' } });
    assert.deepEqual(o.batchFailed, []);
    assert.deepEqual(o.errors, {
      publishMissing: ['NotFound', 'Topic does not exist', 404],
      badName: ['InvalidParameter', 'Invalid parameter: Topic Name', 400],
      emptyBatch: ['EmptyBatchRequest', "The batch request doesn't contain any entries.", 400],
    });
    assert.equal(o.afterDelete, false);
  });
});

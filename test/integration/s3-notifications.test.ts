// S3 event notifications to Lambda (issue: the push model; other-services.md §1.3, event-sources.md §4.1,
// invocation-semantics.md §8.3) through the real SDK v3: configurations validated against the function's
// resource-based policy, events pushed through the durable async path, the exact event JSON the function receives
// (the REPORTER function echoes it to a queue), filters, key encoding, removals, refusals at event time (logged,
// never run), queue targets, code from S3Bucket/S3Key, and a SIGKILL right after a PutObject's 200.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteObjectCommand,
  DeleteObjectsCommand, GetBucketNotificationConfigurationCommand, GetObjectCommand, PutBucketNotificationConfigurationCommand,
  PutObjectCommand, S3Client, UploadPartCommand, type LambdaFunctionConfiguration,
} from '@aws-sdk/client-s3';
import {
  AddPermissionCommand, CreateFunctionCommand, InvokeCommand, RemovePermissionCommand, UpdateFunctionCodeCommand, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createLambkin, type Lambkin } from '../../src/app.js';
import { ACCOUNT, createQueue, drained, fnArn, ISO_MS, queueDepth, receiveJson, REPORTER, type Report, type TestQueue } from '../helpers/async.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { deploy, ROLE } from '../helpers/functions.js';
import { capturedLogger } from '../helpers/logs.js';
import { lambdaClient, tempDir, TEST_CREDENTIALS, uniqueName, waitFor } from '../helpers/server.js';
import { killAllSpawned, spawnLambkin, stopLambkin } from '../helpers/spawned-lambkin.js';
import { zipOf } from '../helpers/zip.js';

const md5 = (b: string | Buffer) => createHash('md5').update(b).digest('hex');
const s3Of = (url: string) => new S3Client({ endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, forcePathStyle: true, maxAttempts: 1 });
const sqsOf = (url: string) => new SQSClient({ endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
let bucketCounter = 0;
const newBucketName = () => `nb-${process.pid}-${Date.now().toString(36)}-${(bucketCounter++).toString(36)}`;

/** The server's own log lines (pino JSON). */
const { logger: captured, lines: logLines } = capturedLogger('warn');

let app: Lambkin;
let dataDir: string;
let s3: S3Client;
let sqs: SQSClient;
let lambda: LambdaClient;

before(async () => {
  dataDir = tempDir();
  app = await createLambkin({ port: 0, dataDir, spareRuntimes: 1, logLevel: 'warn' }, captured);
  s3 = s3Of(app.url);
  sqs = sqsOf(app.url);
  lambda = lambdaClient(app.url);
});
after(async () => {
  s3?.destroy();
  sqs?.destroy();
  lambda?.destroy();
  await app?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  await killAllSpawned();
});

interface Setup {
  fn: string;
  arn: string;
  out: TestQueue;
  bucket: string;
}

/** A reporter function, its report queue and a bucket; `permit` adds S3's permission for that bucket. */
async function setup(opts: { permit?: boolean; sourceArn?: string } = {}): Promise<Setup> {
  const out = await createQueue(sqs, 'out');
  const fn = await deploy(lambda, { 'index.mjs': REPORTER }, { timeout: 10, environment: { OUT_NAME: out.name } });
  const bucket = newBucketName();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  if (opts.permit ?? true) await permit(fn, opts.sourceArn ?? `arn:aws:s3:::${bucket}`);
  return { fn, arn: fnArn(fn), out, bucket };
}

function permit(fn: string, sourceArn: string, sid = 's3-invoke') {
  return lambda.send(new AddPermissionCommand({
    FunctionName: fn, StatementId: sid, Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: sourceArn, SourceAccount: ACCOUNT,
  }));
}

function configure(s: Setup, configs: Partial<LambdaFunctionConfiguration>[], extra: { skip?: boolean } = {}) {
  return s3.send(new PutBucketNotificationConfigurationCommand({
    Bucket: s.bucket,
    NotificationConfiguration: {
      LambdaFunctionConfigurations: configs.map((c) => ({ LambdaFunctionArn: s.arn, Events: ['s3:ObjectCreated:*'], ...c })),
    },
    ...(extra.skip ? { SkipDestinationValidation: true } : {}),
  }));
}

/** The S3 events the function received, from its `start` reports. */
async function events(s: Setup, n: number, timeoutMs = 30_000): Promise<any[]> {
  const reports = await receiveJson<Report>(sqs, s.out.url, 2 * n, timeoutMs, `${n} runs of ${s.fn}`);
  return reports.filter((r) => r.phase === 'start').map((r) => r.event);
}

/** Nothing else is queued for the function and no other report is waiting: no other run happened. */
async function onlyThoseRan(s: Setup): Promise<void> {
  await waitFor('the function\'s backlog to drain', () => drained(app.url, s.fn), 15_000);
  assert.equal(await queueDepth(sqs, s.out.url), 0, 'no report of another run');
}

const keysOf = (evs: any[]) => evs.map((e) => e.Records[0].s3.object.key).sort();

describe('notification configuration', () => {
  test('without a permission the configuration is refused with InvalidArgument and nothing changes', async () => {
    const s = await setup({ permit: false });
    const err = await expectAwsError(configure(s, [{ Id: 'cfg' }]), {
      name: 'InvalidArgument', status: 400, message: 'Unable to validate the following destination configurations',
    });
    assert.ok(err);
    const got = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: s.bucket }));
    assert.equal(got.LambdaFunctionConfigurations, undefined);
  });

  test('the refusal names each failing destination (ArgumentName1 / ArgumentValue1) in the XML error', async () => {
    const s = await setup({ permit: false });
    const xml = '<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CloudFunctionConfiguration>'
      + `<CloudFunction>${s.arn}</CloudFunction><Event>s3:ObjectCreated:*</Event></CloudFunctionConfiguration></NotificationConfiguration>`;
    const url = new URL(app.url);
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, method: 'PUT', path: `/${s.bucket}?notification` }, (r) => {
        let body = '';
        r.on('data', (c) => (body += c));
        r.on('end', () => resolve({ status: r.statusCode!, body }));
      });
      req.on('error', reject);
      req.end(xml);
    });
    assert.equal(res.status, 400);
    assert.match(res.body, /<Code>InvalidArgument<\/Code><Message>Unable to validate the following destination configurations<\/Message>/);
    assert.ok(res.body.includes(`<ArgumentName1>${s.arn}</ArgumentName1><ArgumentValue1>Not authorized to invoke function [${s.arn}]</ArgumentValue1>`), res.body);
  });

  test('a permission for another bucket (wrong SourceArn) is refused too', async () => {
    const s = await setup({ sourceArn: 'arn:aws:s3:::some-other-bucket' });
    await expectAwsError(configure(s, [{ Id: 'cfg' }]), { name: 'InvalidArgument', status: 400, message: 'Unable to validate the following destination configurations' });
  });

  test('with the permission it is stored and read back (Id, events, filter rules); an empty one clears it', async () => {
    const s = await setup();
    await configure(s, [{
      Id: 'photos', Events: ['s3:ObjectCreated:Put', 's3:ObjectRemoved:*'],
      Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'in/' }, { Name: 'suffix', Value: '.jpg' }] } },
    }]);
    const got = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: s.bucket }));
    assert.deepEqual(got.LambdaFunctionConfigurations, [{
      Id: 'photos', LambdaFunctionArn: s.arn, Events: ['s3:ObjectCreated:Put', 's3:ObjectRemoved:*'],
      Filter: { Key: { FilterRules: [{ Name: 'Prefix', Value: 'in/' }, { Name: 'Suffix', Value: '.jpg' }] } },
    }]);
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: s.bucket, NotificationConfiguration: {} }));
    assert.equal((await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: s.bucket }))).LambdaFunctionConfigurations, undefined);
  });

  test('bad configurations: unknown events, bad filter rule names, overlapping configurations', async () => {
    const s = await setup();
    await expectAwsError(configure(s, [{ Events: ['s3:ObjectCreated:Nope' as never] }]), { name: 'InvalidArgument', status: 400, message: 'The event is not supported for notifications' });
    await expectAwsError(configure(s, [{ Filter: { Key: { FilterRules: [{ Name: 'infix' as never, Value: 'x' }] } } }]), { name: 'InvalidArgument', status: 400 });
    await expectAwsError(configure(s, [{ Id: 'a' }, { Id: 'b', Events: ['s3:ObjectCreated:Put'] }]), {
      name: 'InvalidArgument', status: 400, message: 'Configurations overlap. Configurations on the same bucket cannot share a common event type.',
    });
  });

  test('x-amz-skip-destination-validation stores it unchecked; the events are then refused, logged, and never run', async () => {
    const s = await setup({ permit: false });
    await configure(s, [{ Id: 'unchecked' }], { skip: true });
    const before = logLines.length;
    const put = await s3.send(new PutObjectCommand({ Bucket: s.bucket, Key: 'refused.txt', Body: 'x' }));
    assert.equal(put.$metadata.httpStatusCode, 200);
    const refusal = logLines.slice(before).find((l) => /push refused/.test(l.msg) && l.function === s.arn);
    assert.ok(refusal, `a refusal is logged: ${JSON.stringify(logLines.slice(before))}`);
    assert.equal(refusal.source, `arn:aws:s3:::${s.bucket}`);
    // Once allowed, the next event runs, and it is the only one: the refused event was never queued.
    await permit(s.fn, `arn:aws:s3:::${s.bucket}`);
    await s3.send(new PutObjectCommand({ Bucket: s.bucket, Key: 'allowed.txt', Body: 'y' }));
    const got = await events(s, 1);
    assert.deepEqual(keysOf(got), ['allowed.txt']);
    await onlyThoseRan(s);
  });
});

describe('object events', () => {
  test('PutObject: the exact event record the function receives', async () => {
    const s = await setup();
    await configure(s, [{ Id: 'cfg-put' }]);
    const body = 'hello, event';
    const put = await s3.send(new PutObjectCommand({ Bucket: s.bucket, Key: 'docs/report 1.txt', Body: body }));
    const [ev] = await events(s, 1);
    assert.deepEqual(Object.keys(ev), ['Records']);
    assert.equal(ev.Records.length, 1);
    const r = ev.Records[0];
    assert.deepEqual(Object.keys(r), ['eventVersion', 'eventSource', 'awsRegion', 'eventTime', 'eventName', 'userIdentity', 'requestParameters', 'responseElements', 's3']);
    assert.equal(r.eventVersion, '2.1');
    assert.equal(r.eventSource, 'aws:s3');
    assert.equal(r.awsRegion, 'us-east-1');
    assert.match(r.eventTime, ISO_MS);
    assert.ok(Math.abs(Date.parse(r.eventTime) - Date.now()) < 120_000);
    assert.equal(r.eventName, 'ObjectCreated:Put');
    assert.deepEqual(r.userIdentity, { principalId: 'AWS:test' });
    assert.deepEqual(r.requestParameters, { sourceIPAddress: '127.0.0.1' });
    assert.deepEqual(r.responseElements, { 'x-amz-request-id': put.$metadata.requestId, 'x-amz-id-2': put.$metadata.extendedRequestId });
    assert.deepEqual(Object.keys(r.s3), ['s3SchemaVersion', 'configurationId', 'bucket', 'object']);
    assert.equal(r.s3.s3SchemaVersion, '1.0');
    assert.equal(r.s3.configurationId, 'cfg-put');
    assert.deepEqual(Object.keys(r.s3.bucket), ['name', 'ownerIdentity', 'arn']);
    assert.equal(r.s3.bucket.name, s.bucket);
    assert.equal(r.s3.bucket.arn, `arn:aws:s3:::${s.bucket}`);
    assert.match(r.s3.bucket.ownerIdentity.principalId, /^[0-9a-f]{64}$/);
    assert.deepEqual(Object.keys(r.s3.object), ['key', 'size', 'eTag', 'sequencer']);
    assert.equal(r.s3.object.key, 'docs/report+1.txt');
    assert.equal(r.s3.object.size, body.length);
    assert.equal(r.s3.object.eTag, md5(body));
    assert.match(r.s3.object.sequencer, /^[0-9A-F]{18}$/);
  });

  test('keys with spaces, unicode and reserved characters are form-URL-encoded', async () => {
    const s = await setup();
    await configure(s, [{ Id: 'enc' }]);
    const keys = ['red flower.jpg', 'ünï/日本.txt', 'a+b=c&d:e.txt'];
    for (const k of keys) await s3.send(new PutObjectCommand({ Bucket: s.bucket, Key: k, Body: k }));
    const got = keysOf(await events(s, keys.length));
    assert.deepEqual(got, ['%C3%BCn%C3%AF/%E6%97%A5%E6%9C%AC.txt', 'a%2Bb%3Dc%26d%3Ae.txt', 'red+flower.jpg'].sort());
    for (const k of got) assert.ok(keys.includes(decodeURIComponent(k.replace(/\+/g, ' '))), k);
  });

  test('prefix and suffix filters pick the keys; each configuration names itself', async () => {
    const s = await setup();
    await configure(s, [
      { Id: 'in-txt', Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'in/' }, { Name: 'suffix', Value: '.txt' }] } } },
      { Id: 'csv', Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.csv' }] } } },
    ]);
    for (const k of ['in/a.txt', 'in/a.jpg', 'out/b.txt', 'x/y.csv', 'in.txt']) await s3.send(new PutObjectCommand({ Bucket: s.bucket, Key: k, Body: k }));
    const got = await events(s, 2);
    assert.deepEqual(got.map((e) => [e.Records[0].s3.object.key, e.Records[0].s3.configurationId]).sort(), [['in/a.txt', 'in-txt'], ['x/y.csv', 'csv']]);
    // The marker shows nothing else was queued before it.
    await s3.send(new PutObjectCommand({ Bucket: s.bucket, Key: 'in/marker.txt', Body: 'm' }));
    assert.deepEqual(keysOf(await events(s, 1)), ['in/marker.txt']);
  });

  test('copies and multipart uploads have their event names; sequencers grow', async () => {
    const s = await setup();
    await configure(s, [{ Id: 'all' }]);
    await s3.send(new PutObjectCommand({ Bucket: s.bucket, Key: 'orig', Body: 'o' }));
    await s3.send(new CopyObjectCommand({ Bucket: s.bucket, Key: 'copy', CopySource: `${s.bucket}/orig` }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: s.bucket, Key: 'multi' }));
    const part = await s3.send(new UploadPartCommand({ Bucket: s.bucket, Key: 'multi', UploadId, PartNumber: 1, Body: 'one part' }));
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: s.bucket, Key: 'multi', UploadId, MultipartUpload: { Parts: [{ ETag: part.ETag, PartNumber: 1 }] } }));
    const got = (await events(s, 3)).map((e) => e.Records[0]);
    const byKey = Object.fromEntries(got.map((r) => [r.s3.object.key, r]));
    assert.equal(byKey.orig.eventName, 'ObjectCreated:Put');
    assert.equal(byKey.copy.eventName, 'ObjectCreated:Copy');
    assert.equal(byKey.copy.s3.object.eTag, md5('o'));
    assert.equal(byKey.multi.eventName, 'ObjectCreated:CompleteMultipartUpload');
    assert.equal(byKey.multi.s3.object.eTag, done.ETag!.replace(/"/g, ''));
    assert.equal(byKey.multi.s3.object.size, 'one part'.length);
    const seq = ['orig', 'copy', 'multi'].map((k) => byKey[k].s3.object.sequencer as string);
    assert.ok(seq[0]! < seq[1]! && seq[1]! < seq[2]!, `sequencers in order: ${seq.join(' ')}`);
  });

  test('ObjectRemoved:Delete from DeleteObject and DeleteObjects, without size or eTag', async () => {
    const s = await setup();
    await configure(s, [{ Id: 'removed', Events: ['s3:ObjectRemoved:*'] }]);
    for (const k of ['d1', 'd2', 'd 3']) await s3.send(new PutObjectCommand({ Bucket: s.bucket, Key: k, Body: k }));
    await s3.send(new DeleteObjectCommand({ Bucket: s.bucket, Key: 'd1' }));
    await s3.send(new DeleteObjectsCommand({ Bucket: s.bucket, Delete: { Objects: [{ Key: 'd2' }, { Key: 'd 3' }] } }));
    const got = (await events(s, 3)).map((e) => e.Records[0]);
    assert.deepEqual(got.map((r) => r.s3.object.key).sort(), ['d+3', 'd1', 'd2']);
    for (const r of got) {
      assert.equal(r.eventName, 'ObjectRemoved:Delete');
      assert.deepEqual(Object.keys(r.s3.object), ['key', 'sequencer']);
    }
  });

  test('a permission removed after the configuration: the event is refused, logged, and the function never runs', async () => {
    const s = await setup();
    await configure(s, [{ Id: 'later-removed' }]);
    await lambda.send(new RemovePermissionCommand({ FunctionName: s.fn, StatementId: 's3-invoke' }));
    const before = logLines.length;
    const put = await s3.send(new PutObjectCommand({ Bucket: s.bucket, Key: 'after-removal.txt', Body: 'x' }));
    assert.equal(put.$metadata.httpStatusCode, 200, 'the object is stored all the same');
    assert.ok(logLines.slice(before).some((l) => /push refused/.test(l.msg) && l.function === s.arn && l.service === 's3.amazonaws.com'));
    await permit(s.fn, `arn:aws:s3:::${s.bucket}`, 'again');
    await s3.send(new PutObjectCommand({ Bucket: s.bucket, Key: 'after-regrant.txt', Body: 'y' }));
    assert.deepEqual(keysOf(await events(s, 1)), ['after-regrant.txt']);
    await onlyThoseRan(s);
  });

  test('a queue target gets S3\'s test event when configured, then the same record as an SQS message', async () => {
    const s = await setup({ permit: false });
    const target = await createQueue(sqs, 'target');
    await s3.send(new PutBucketNotificationConfigurationCommand({
      Bucket: s.bucket, NotificationConfiguration: { QueueConfigurations: [{ Id: 'to-queue', QueueArn: target.arn, Events: ['s3:ObjectCreated:*'] }] },
    }));
    const [testEvent] = await receiveJson<any>(sqs, target.url, 1);
    assert.deepEqual(Object.keys(testEvent), ['Service', 'Event', 'Time', 'Bucket', 'RequestId', 'HostId']);
    assert.equal(testEvent.Event, 's3:TestEvent');
    assert.equal(testEvent.Bucket, s.bucket);
    await s3.send(new PutObjectCommand({ Bucket: s.bucket, Key: 'queued.txt', Body: 'q' }));
    const [msg] = await receiveJson<any>(sqs, target.url, 1);
    assert.equal(msg.Records[0].eventName, 'ObjectCreated:Put');
    assert.equal(msg.Records[0].s3.configurationId, 'to-queue');
    assert.equal(msg.Records[0].s3.object.key, 'queued.txt');
  });
});

describe('function code from S3', () => {
  test('CreateFunction and UpdateFunctionCode read S3Bucket/S3Key; a missing key is Lambda\'s GetObject error', async () => {
    const bucket = newBucketName();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'code/v1.zip', Body: zipOf({ 'index.mjs': 'export const handler = async () => "v1";' }) }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'code/v2.zip', Body: zipOf({ 'index.mjs': 'export const handler = async () => "v2";' }) }));
    const name = uniqueName();
    const created = await lambda.send(new CreateFunctionCommand({
      FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { S3Bucket: bucket, S3Key: 'code/v1.zip' },
    }));
    const zip1 = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'code/v1.zip' }))).Body!.transformToByteArray());
    assert.equal(created.CodeSha256, createHash('sha256').update(zip1).digest('base64'));
    const run = async () => Buffer.from((await lambda.send(new InvokeCommand({ FunctionName: name }))).Payload!).toString();
    assert.equal(await run(), '"v1"');
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, S3Bucket: bucket, S3Key: 'code/v2.zip' }));
    await waitFor('the new code', async () => (await run()) === '"v2"', 15_000, 100);
    const create = (Code: Record<string, string>) => lambda.send(new CreateFunctionCommand({
      FunctionName: uniqueName(), Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code,
    }));
    await expectAwsError(create({ S3Bucket: bucket, S3Key: 'code/missing.zip' }), {
      name: 'InvalidParameterValueException', status: 400,
      message: 'Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.',
    });
    await expectAwsError(create({ S3Bucket: 'no-such-code-bucket', S3Key: 'x.zip' }), {
      name: 'InvalidParameterValueException', status: 400,
      message: 'Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist',
    });
    await expectAwsError(create({ S3Bucket: bucket, S3Key: 'code/v1.zip', S3ObjectVersion: 'abc' }), { name: 'InvalidParameterValueException', status: 400, message: /S3ObjectVersion/ });
  });
});

describe('durability', () => {
  test('SIGKILL right after a PutObject 200: after the restart the event is delivered and the object is there', async () => {
    const dir = tempDir();
    let server = await spawnLambkin(dir, ['--spare-runtimes', '0']);
    let client = s3Of(server.url);
    let q = sqsOf(server.url);
    let lam = lambdaClient(server.url);
    const out = await createQueue(q, 'out');
    const fn = await deploy(lam, { 'index.mjs': REPORTER }, { timeout: 10, environment: { OUT_NAME: out.name } });
    const bucket = newBucketName();
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      await lam.send(new AddPermissionCommand({
        FunctionName: fn, StatementId: 's3-invoke', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: `arn:aws:s3:::${bucket}`, SourceAccount: ACCOUNT,
      }));
      await client.send(new PutBucketNotificationConfigurationCommand({
        Bucket: bucket, NotificationConfiguration: { LambdaFunctionConfigurations: [{ Id: 'crash', LambdaFunctionArn: fnArn(fn), Events: ['s3:ObjectCreated:*'] }] },
      }));
      const put = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'acknowledged.txt', Body: 'must not be lost' }));
      assert.equal(put.$metadata.httpStatusCode, 200);
      server.proc.kill('SIGKILL');
      await server.exited;
    } finally {
      client.destroy();
      q.destroy();
      lam.destroy();
    }
    server = await spawnLambkin(dir, ['--spare-runtimes', '0']);
    client = s3Of(server.url);
    q = sqsOf(server.url);
    try {
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'acknowledged.txt' }));
      assert.equal(await got.Body!.transformToString(), 'must not be lost');
      const reports = await receiveJson<Report>(q, out.url.replace(/^http:\/\/[^/]+/, server.url), 2, 30_000, 'the event after the restart');
      const start = reports.find((r) => r.phase === 'start')!;
      assert.equal(start.event.Records[0].s3.object.key, 'acknowledged.txt');
      assert.equal(start.event.Records[0].s3.configurationId, 'crash');
    } finally {
      client.destroy();
      q.destroy();
      await stopLambkin(server);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

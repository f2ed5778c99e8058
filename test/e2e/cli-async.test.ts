// Asynchronous invocation end to end: the real AWS CLI (`lambda invoke --invocation-type Event`, the event invoke
// config and concurrency commands, SQS receive-message for the records) against a spawned
// `lambkin start --async-retry-delay-ms 200`, and a crash test: events accepted with 202 must all run at least once
// even when lambkin is SIGKILLed while they are queued or running and restarted on the same data dir.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsCli, awsCliMajorVersion, awsOk, awsToolEnv, type CliResult } from '../helpers/aws-cli.js';
import { ACCOUNT, backlogOf, createQueue, drained, fnArn, queueArn, queueDepth, REPORTER } from '../helpers/async.js';
import { deploy, ROLE } from '../helpers/functions.js';
import { TEST_CREDENTIALS, tempDir, uniqueName, waitFor } from '../helpers/server.js';
import {
  childProcesses, killAllSpawned, killIfRunning, REPO_ROOT, spawnLambkin, stopLambkin, type ProcInfo, type SpawnedLambkin,
} from '../helpers/spawned-lambkin.js';

const execFileP = promisify(execFile);
import { zipOf } from '../helpers/zip.js';

const scratch = tempDir('lambkin-e2e-cli-async-');
const env = awsToolEnv(scratch);
const rawPayload = awsCliMajorVersion() >= 2 ? ['--cli-binary-format', 'raw-in-base64-out'] : [];
const RETRY_DELAY_MS = 200;
const strays: ProcInfo[] = [];

after(async () => {
  await killAllSpawned();
  killIfRunning(strays);
  fs.rmSync(scratch, { recursive: true, force: true });
});

function assertCliError(r: CliResult, code: string, message: RegExp): void {
  assert.ok(r.code === 254 || r.code === 255, `exit code ${r.code}, stdout: ${r.stdout}, stderr: ${r.stderr}`);
  assert.match(r.stderr, new RegExp(`An error occurred \\(${code}\\) when calling the \\w+ operation`));
  assert.match(r.stderr, message);
}

describe('AWS CLI: async invocation against `lambkin start --async-retry-delay-ms 200`', () => {
  let server: SpawnedLambkin;
  before(async () => {
    server = await spawnLambkin(path.join(scratch, 'data'), ['--async-retry-delay-ms', String(RETRY_DELAY_MS)]);
  });
  after(async () => {
    if (server) await stopLambkin(server);
  });

  const ok = (args: string[]) => awsOk(server.url, env, args);
  const run = (args: string[]) => awsCli(server.url, env, args);

  async function createQueueCli(prefix: string): Promise<{ name: string; url: string; arn: string }> {
    const name = uniqueName(prefix);
    const r = await ok(['sqs', 'create-queue', '--queue-name', name]);
    return { name, url: r.json.QueueUrl, arn: queueArn(name) };
  }

  /** `aws sqs receive-message` until `n` messages came (each deleted); bodies and attributes. */
  async function receiveCli(url: string, n: number, timeoutMs = 20_000): Promise<{ Body: string; MessageAttributes?: any }[]> {
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

  async function reporterFunction(): Promise<{ fn: string; out: { name: string; url: string; arn: string } }> {
    const out = await createQueueCli('out');
    const fn = uniqueName('cli-async');
    const zip = path.join(scratch, `${fn}.zip`);
    fs.writeFileSync(zip, zipOf({ 'index.mjs': REPORTER }));
    await ok([
      'lambda', 'create-function', '--function-name', fn, '--runtime', 'nodejs20.x', '--handler', 'index.handler', '--role', ROLE,
      '--zip-file', `fileb://${zip}`, '--environment', `Variables={OUT_NAME=${out.name}}`,
    ]);
    await ok(['lambda', 'wait', 'function-active-v2', '--function-name', fn]);
    return { fn, out };
  }

  async function invokeEvent(fn: string, payload: unknown): Promise<{ result: CliResult; outFile: string }> {
    const outFile = path.join(scratch, `${uniqueName('out')}.json`);
    const result = await ok(['lambda', 'invoke', '--function-name', fn, '--invocation-type', 'Event', '--payload', JSON.stringify(payload), ...rawPayload, outFile]);
    return { result, outFile };
  }

  test('invoke --invocation-type Event → {"StatusCode": 202} and an empty outfile; the function runs with the event', async () => {
    const { fn, out } = await reporterFunction();
    const { result, outFile } = await invokeEvent(fn, { via: 'cli' });
    assert.deepEqual(result.json, { StatusCode: 202 });
    assert.equal(fs.readFileSync(outFile, 'utf8'), '');
    const reports = (await receiveCli(out.url, 2)).map((m) => JSON.parse(m.Body));
    const start = reports.find((r) => r.phase === 'start');
    assert.deepEqual(start.event, { via: 'cli' });
    assert.equal(start.invokedArn, fnArn(fn));
  });

  test('put-, get-, update-, list- and delete-function-event-invoke-config', async () => {
    const { fn } = await reporterFunction();
    const dest = queueArn('cli-somewhere');
    const put = await ok(['lambda', 'put-function-event-invoke-config', '--function-name', fn, '--maximum-retry-attempts', '0']);
    assert.equal(typeof put.json.LastModified, 'number', 'LastModified is epoch seconds');
    assert.ok(Math.abs(put.json.LastModified - Date.now() / 1000) < 60);
    assert.deepEqual({ ...put.json, LastModified: 0 }, {
      LastModified: 0, FunctionArn: `${fnArn(fn)}:$LATEST`, MaximumRetryAttempts: 0, DestinationConfig: { OnSuccess: {}, OnFailure: {} },
    });
    const upd = await ok([
      'lambda', 'update-function-event-invoke-config', '--function-name', fn, '--maximum-event-age-in-seconds', '3600',
      '--destination-config', JSON.stringify({ OnFailure: { Destination: dest } }),
    ]);
    assert.deepEqual({ ...upd.json, LastModified: 0 }, {
      LastModified: 0, FunctionArn: `${fnArn(fn)}:$LATEST`, MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnSuccess: {}, OnFailure: { Destination: dest } },
    });
    const got = await ok(['lambda', 'get-function-event-invoke-config', '--function-name', fn]);
    assert.deepEqual(got.json, upd.json);
    const list = await ok(['lambda', 'list-function-event-invoke-configs', '--function-name', fn]);
    assert.deepEqual(list.json, { FunctionEventInvokeConfigs: [upd.json] });
    const bad = await run(['lambda', 'put-function-event-invoke-config', '--function-name', fn, '--maximum-retry-attempts', '3']);
    assertCliError(bad, 'ValidationException', /Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2/);
    const del = await ok(['lambda', 'delete-function-event-invoke-config', '--function-name', fn]);
    assert.equal(del.stdout.trim(), '');
    const gone = await run(['lambda', 'get-function-event-invoke-config', '--function-name', fn]);
    assertCliError(gone, 'ResourceNotFoundException', /doesn't have an EventInvokeConfig/);
  });

  test('a failing event is retried per --maximum-retry-attempts ≈ 200 ms apart; the record reaches the on-failure queue and the payload the DLQ', async () => {
    const { fn, out } = await reporterFunction();
    const failures = await createQueueCli('failures');
    const dlq = await createQueueCli('dlq');
    await ok(['lambda', 'update-function-configuration', '--function-name', fn, '--dead-letter-config', `TargetArn=${dlq.arn}`]);
    await ok(['lambda', 'wait', 'function-updated-v2', '--function-name', fn]);
    await ok([
      'lambda', 'put-function-event-invoke-config', '--function-name', fn, '--maximum-retry-attempts', '1',
      '--destination-config', JSON.stringify({ OnFailure: { Destination: failures.arn } }),
    ]);
    // Warm, so the first attempt has no cold start in it.
    await ok(['lambda', 'invoke', '--function-name', fn, '--payload', '{}', ...rawPayload, path.join(scratch, 'warm.json')]);
    await receiveCli(out.url, 2);

    const payload = { fail: 'cli says no', n: 1 };
    await invokeEvent(fn, payload);
    const [recordMessage] = await receiveCli(failures.url, 1);
    const record = JSON.parse(recordMessage!.Body);
    assert.equal(record.version, '1.0');
    assert.equal(record.requestContext.functionArn, `${fnArn(fn)}:$LATEST`);
    assert.equal(record.requestContext.condition, 'RetriesExhausted');
    assert.equal(record.requestContext.approximateInvokeCount, 2);
    assert.deepEqual(record.requestPayload, payload);
    assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
    assert.equal(record.responsePayload.errorMessage, 'cli says no');
    const starts = (await receiveCli(out.url, 4)).map((m) => JSON.parse(m.Body)).filter((r) => r.phase === 'start').sort((a, b) => a.started - b.started);
    assert.equal(starts.length, 2);
    assert.equal(starts[0].requestId, record.requestContext.requestId);
    assert.equal(starts[1].requestId, record.requestContext.requestId);
    const gap = starts[1].started - starts[0].started;
    assert.ok(gap >= RETRY_DELAY_MS - 50, `retry came ${gap} ms after the first attempt (want ≈ ${RETRY_DELAY_MS})`);

    const [dead] = await receiveCli(dlq.url, 1);
    assert.equal(dead!.Body, JSON.stringify(payload));
    assert.deepEqual(dead!.MessageAttributes, {
      RequestID: { StringValue: record.requestContext.requestId, DataType: 'String' },
      ErrorCode: { StringValue: '200', DataType: 'Number' },
      ErrorMessage: { StringValue: 'cli says no', DataType: 'String' },
    });
  });

  test('`lambkin status` shows a function\'s async backlog: queued, running, the oldest event\'s age', async () => {
    const lambda = new LambdaClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    try {
      const fn = await deploy(lambda, { 'index.mjs': 'export const handler = () => new Promise((r) => setTimeout(r, 4000));' }, { timeout: 10 });
      await ok(['lambda', 'put-function-concurrency', '--function-name', fn, '--reserved-concurrent-executions', '1']);
      for (let i = 0; i < 3; i++) await ok(['lambda', 'invoke', '--function-name', fn, '--invocation-type', 'Event', ...rawPayload, '--payload', '{}', path.join(scratch, 'status.json')]);
      const status = (args: string[]) => execFileP(process.execPath, ['bin/lambkin.js', 'status', '--endpoint-url', server.url, ...args], { cwd: REPO_ROOT });
      const row = await waitFor<{ stdout: string; line: string } | undefined>('one running and two queued in `lambkin status`', async () => {
        const { stdout } = await status([]);
        const line = stdout.split('\n').find((l) => l.startsWith(fnArn(fn)));
        return line && /^\S+\s+2\s+1\s+0\s/.test(line) ? { stdout, line } : undefined;
      });
      assert.ok(row);
      assert.match(row.stdout, /^lambkin 0\.1\.0 at http:\/\/127\.0\.0\.1:\d+: ok, sandbox off, /);
      assert.match(row.stdout, /function\s+queued\s+running\s+retrying\s+oldest age\s+destination failures\s+DLQ errors/);
      const json = JSON.parse((await status(['--json'])).stdout);
      const b = json.async.functions.find((f: { functionArn: string }) => f.functionArn === fnArn(fn));
      assert.equal(b.queued + b.running, 3);
      assert.ok(b.oldestAgeMs > 0);
      assert.equal(json.health.async.queued + json.health.async.running >= 3, true);
      await ok(['lambda', 'delete-function', '--function-name', fn]);
      await assert.rejects(execFileP(process.execPath, ['bin/lambkin.js', 'status', '--endpoint-url', 'http://127.0.0.1:1'], { cwd: REPO_ROOT }),
        /lambkin: cannot read the status of http:\/\/127\.0\.0\.1:1/);
    } finally {
      lambda.destroy();
    }
  });

  test('put-function-concurrency 0 throttles sync invokes (TooManyRequestsException) and sends events to the failure path; get-/delete-function-concurrency; get-account-settings', async () => {
    const { fn } = await reporterFunction();
    const failures = await createQueueCli('zero');
    await ok(['lambda', 'put-function-event-invoke-config', '--function-name', fn, '--destination-config', JSON.stringify({ OnFailure: { Destination: failures.arn } })]);
    const put = await ok(['lambda', 'put-function-concurrency', '--function-name', fn, '--reserved-concurrent-executions', '0']);
    assert.deepEqual(put.json, { ReservedConcurrentExecutions: 0 });
    assert.deepEqual((await ok(['lambda', 'get-function-concurrency', '--function-name', fn])).json, { ReservedConcurrentExecutions: 0 });
    assert.deepEqual((await ok(['lambda', 'get-function', '--function-name', fn])).json.Concurrency, { ReservedConcurrentExecutions: 0 });
    const settings = await ok(['lambda', 'get-account-settings']);
    assert.equal(settings.json.AccountLimit.ConcurrentExecutions, 1000);
    assert.equal(settings.json.AccountLimit.UnreservedConcurrentExecutions, 1000);

    const sync = await run(['lambda', 'invoke', '--function-name', fn, '--payload', '{}', ...rawPayload, path.join(scratch, 'throttled.json')]);
    assertCliError(sync, 'TooManyRequestsException', /Rate Exceeded\./);
    const { result } = await invokeEvent(fn, { zero: true });
    assert.equal(result.json.StatusCode, 202);
    const record = JSON.parse((await receiveCli(failures.url, 1))[0]!.Body);
    assert.equal(record.requestContext.condition, 'ZeroReservedConcurrency');
    assert.equal(record.requestContext.approximateInvokeCount, 0);
    assert.deepEqual(record.requestPayload, { zero: true });

    const tooMuch = await run(['lambda', 'put-function-concurrency', '--function-name', fn, '--reserved-concurrent-executions', '901']);
    assertCliError(tooMuch, 'InvalidParameterValueException', /decreases account's UnreservedConcurrentExecution below its minimum value of \[100\]/);
    const del = await ok(['lambda', 'delete-function-concurrency', '--function-name', fn]);
    assert.equal(del.stdout.trim(), '');
    assert.deepEqual((await ok(['lambda', 'get-function-concurrency', '--function-name', fn])).json ?? {}, {});
    const again = await ok(['lambda', 'invoke', '--function-name', fn, '--payload', '{}', ...rawPayload, path.join(scratch, 'ok.json')]);
    assert.equal(again.json.StatusCode, 200);
  });
});

/** Reports `{ id, requestId }` to OUT_NAME on its queue first, then works for 100 ms. */
const RECORDER = `
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
export const handler = async (event, context) => {
  await sqs.send(new SendMessageCommand({
    QueueUrl: process.env.AWS_ENDPOINT_URL + '/${ACCOUNT}/' + process.env.OUT_NAME,
    MessageBody: JSON.stringify({ id: event.id, requestId: context.awsRequestId }),
  }));
  await new Promise((r) => setTimeout(r, 100));
  return event.id;
};`;

const clients = (url: string) => ({
  lambda: new LambdaClient({ endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 }),
  sqs: new SQSClient({ endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 }),
});

describe('async events across a SIGKILL', () => {
  test('every event answered 202 runs at least once after a SIGKILL mid-way and a restart on the same data dir', { timeout: 180_000 }, async (t) => {
    const N = 200;
    const dataDir = path.join(scratch, 'crash-data');
    const args = ['--async-retry-delay-ms', String(RETRY_DELAY_MS), '--async-max-in-flight', '4'];
    const first = await spawnLambkin(dataDir, args);
    const a = clients(first.url);
    const out = await createQueue(a.sqs, 'crash-out');
    const fn = await deploy(a.lambda, { 'index.mjs': RECORDER }, { environment: { OUT_NAME: out.name }, timeout: 10 });

    // Accept N events (20 requests at a time); remember the request id of every 202.
    const accepted = new Map<string, number>();
    for (let i = 0; i < N; i += 20) {
      await Promise.all(Array.from({ length: Math.min(20, N - i) }, async (_, j) => {
        const id = i + j;
        const r = await a.lambda.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ id })) }));
        assert.equal(r.StatusCode, 202);
        accepted.set(r.$metadata.requestId!, id);
      }));
    }
    assert.equal(accepted.size, N);
    // Kill once some have run and most are still waiting (4 at a time, ≥ 100 ms each).
    await waitFor('a first share of the events to run', async () => (await queueDepth(a.sqs, out.url)) >= 30, 30_000, 20);
    const before = await backlogOf(first.url, fn);
    assert.ok(before && before.queued + before.running > 0, `events still queued or running at the kill: ${JSON.stringify(before)}`);
    strays.push(...childProcesses(first.pid));
    first.proc.kill('SIGKILL');
    assert.equal((await first.exited).signal, 'SIGKILL');
    a.lambda.destroy();
    a.sqs.destroy();
    t.diagnostic(`killed with ${before!.queued} queued and ${before!.running} running`);

    const second = await spawnLambkin(dataDir, args);
    const b = clients(second.url);
    try {
      const url = `${second.url}/${ACCOUNT}/${out.name}`;
      const runs = new Map<string, number>();
      let total = 0;
      await waitFor(`all ${N} accepted events to run`, async () => {
        const r = await b.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        for (const m of r.Messages ?? []) {
          const { requestId, id } = JSON.parse(m.Body!);
          assert.equal(accepted.get(requestId), id, `a run of an event that was accepted (${requestId})`);
          runs.set(requestId, (runs.get(requestId) ?? 0) + 1);
          total++;
        }
        if (r.Messages?.length) {
          await b.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: r.Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })) }));
        }
        return runs.size === N;
      }, 90_000, 0);
      await waitFor('lambkin to hold no unfinished event', () => drained(second.url, fn), 20_000);
      // Late duplicates: whatever is still in the report queue now.
      total += await queueDepth(b.sqs, url);
      const duplicates = total - N;
      t.diagnostic(`${N} events accepted, all ran; ${duplicates} duplicate run(s) (at least once, not exactly once)`);
      assert.ok(duplicates >= 0);
    } finally {
      b.lambda.destroy();
      b.sqs.destroy();
      await stopLambkin(second);
    }
  });
  test('events answered 202 while lambkin is SIGKILLed in the middle of accepting them all run after the restart', { timeout: 180_000 }, async (t) => {
    const dataDir = path.join(scratch, 'crash-accept-data');
    const args = ['--async-retry-delay-ms', String(RETRY_DELAY_MS), '--async-max-in-flight', '4'];
    const first = await spawnLambkin(dataDir, args);
    const a = clients(first.url);
    const out = await createQueue(a.sqs, 'crash-accept-out');
    const fn = await deploy(a.lambda, { 'index.mjs': RECORDER }, { environment: { OUT_NAME: out.name }, timeout: 10 });

    // 10 senders invoke until the server is gone (each stops at its first failed call); the kill comes once 100
    // events were answered 202, so calls are cut off in every stage of their acceptance.
    const accepted = new Map<string, number>();
    let next = 0;
    let failedCalls = 0;
    const sender = async () => {
      for (;;) {
        const id = next++;
        try {
          const r = await a.lambda.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ id })) }));
          assert.equal(r.StatusCode, 202);
          accepted.set(r.$metadata.requestId!, id);
        } catch {
          failedCalls++;
          return;
        }
      }
    };
    const senders = Array.from({ length: 10 }, sender);
    await waitFor('100 events to be accepted', () => accepted.size >= 100, 30_000, 1);
    strays.push(...childProcesses(first.pid));
    first.proc.kill('SIGKILL');
    assert.equal((await first.exited).signal, 'SIGKILL');
    await Promise.all(senders);
    a.lambda.destroy();
    a.sqs.destroy();
    t.diagnostic(`${accepted.size} answered 202 before the kill; ${failedCalls} calls cut off`);

    const second = await spawnLambkin(dataDir, args);
    const b = clients(second.url);
    try {
      const url = `${second.url}/${ACCOUNT}/${out.name}`;
      const runs = new Map<string, number>();
      await waitFor(`all ${accepted.size} accepted events to run`, async () => {
        const r = await b.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        for (const m of r.Messages ?? []) {
          const { requestId } = JSON.parse(m.Body!);
          runs.set(requestId, (runs.get(requestId) ?? 0) + 1);
        }
        if (r.Messages?.length) {
          await b.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: r.Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })) }));
        }
        return [...accepted.keys()].every((id) => runs.has(id));
      }, 90_000, 0);
      await waitFor('lambkin to hold no unfinished event', () => drained(second.url, fn), 20_000);
      const unanswered = [...runs.keys()].filter((id) => !accepted.has(id)).length;
      t.diagnostic(`every accepted event ran; ${unanswered} event(s) committed but cut off before their 202 also ran`);
    } finally {
      b.lambda.destroy();
      b.sqs.destroy();
      await stopLambkin(second);
    }
  });
});

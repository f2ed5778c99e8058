// Asynchronous invocation (invocation-semantics.md §2–5, lambda-api.md §6) through the real SDK v3 clients:
// 202 after the commit, retries with AWS's delays (scaled down by asyncRetryDelayMs), maximum event age,
// destinations (SQS and Lambda) with every field of the invocation record, dead-letter queues, failed deliveries,
// reserved concurrency (0 and busy) and the account concurrency limit. Functions report each run to an SQS queue
// (test/helpers/async.ts REPORTER), so the tests see every attempt from inside the function.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  DeleteFunctionConcurrencyCommand, InvokeAsyncCommand, InvokeCommand, PutFunctionConcurrencyCommand, PutFunctionEventInvokeConfigCommand,
  UpdateFunctionConfigurationCommand, type LambdaClient, type PutFunctionEventInvokeConfigCommandInput,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { deploy, type DeployOptions } from '../helpers/functions.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { startServer, TEST_CREDENTIALS, tempDir, uniqueName, waitFor } from '../helpers/server.js';
import {
  backlogOf, createQueue, drained, fnArn, ISO_MS, maxOverlap, queueArn, queueDepth, receive, receiveJson, REPORTER, starts, UUID,
  type Report, type TestQueue,
} from '../helpers/async.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

type Server = Awaited<ReturnType<typeof startServer>>;

/** The scaled-down AWS retry delay (AWS: 60 s before attempt 2, 120 s before attempt 3). */
const DELAY_MS = 300;
/** Timer and scheduling slack when checking lower bounds of waits. */
const SLACK_MS = 50;

const sqsOf = (url: string) => new SQSClient({ endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });

/** Everything one async test needs: a reporter function and its report queue. */
interface Setup {
  fn: string;
  out: TestQueue;
}

function harness(get: () => { lambda: LambdaClient; sqs: SQSClient }) {
  const h = {
    async reporter(opts: DeployOptions = {}): Promise<Setup> {
      const { lambda, sqs } = get();
      const out = await createQueue(sqs, 'out');
      const fn = await deploy(lambda, { 'index.mjs': REPORTER }, { timeout: 10, ...opts, environment: { OUT_NAME: out.name, ...opts.environment } });
      return { fn, out };
    },
    async config(fn: string, input: Omit<PutFunctionEventInvokeConfigCommandInput, 'FunctionName'>): Promise<void> {
      await get().lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn, ...input }));
    },
    /** Invokes with InvocationType Event; returns the 202's request id. */
    async event(fn: string, payload: unknown, qualifier?: string): Promise<string> {
      const out = await get().lambda.send(new InvokeCommand({
        FunctionName: fn, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(payload)), ...(qualifier ? { Qualifier: qualifier } : {}),
      }));
      assert.equal(out.StatusCode, 202);
      return out.$metadata.requestId!;
    },
    reports(out: TestQueue, n: number, timeoutMs = 15_000): Promise<Report[]> {
      return receiveJson<Report>(get().sqs, out.url, n, timeoutMs, `${n} reports in ${out.name}`);
    },
    async record(q: TestQueue, timeoutMs = 15_000): Promise<any> {
      const [r] = await receiveJson(get().sqs, q.url, 1, timeoutMs, `a record in ${q.name}`);
      return r;
    },
  };
  return h;
}

/** Asserts the fields every invocation record has (invocation-semantics.md §3.1). */
function assertRecordBasics(record: any, want: { requestId: string; fn: string; condition: string; count: number; payload: unknown; notBefore: number }) {
  assert.equal(record.version, '1.0');
  assert.match(record.timestamp, ISO_MS);
  const ts = Date.parse(record.timestamp);
  assert.ok(ts >= want.notBefore - 5 && ts <= Date.now() + 5, `timestamp ${record.timestamp} within the test`);
  assert.deepEqual(record.requestContext, {
    requestId: want.requestId, functionArn: `${fnArn(want.fn)}:$LATEST`, condition: want.condition, approximateInvokeCount: want.count,
  });
  assert.deepEqual(record.requestPayload, want.payload, 'requestPayload is the event, parsed');
}

describe('async invocation (InvocationType Event)', () => {
  let srv: Server;
  let sqs: SQSClient;
  let lambda: LambdaClient;
  const h = harness(() => ({ lambda, sqs }));
  /** The real-time EventAgeExceeded scenario runs beside the other tests (it needs ≥ 60 s); the last tests await it. */
  let slowAge: Promise<SlowAgeOutcome>;

  before(async () => {
    srv = await startServer({ asyncRetryDelayMs: DELAY_MS, spareRuntimes: 2 });
    sqs = sqsOf(srv.url);
    lambda = srv.lambda;
    slowAge = slowAgeScenario(srv, h, sqs);
    slowAge.catch(() => undefined);
  });
  after(async () => {
    await slowAge?.catch(() => undefined);
    sqs?.destroy();
    await srv?.close();
  });

  test('Event → 202, empty body, a request id; the function runs with it as awsRequestId and the ARN as invoked', async () => {
    const { fn, out } = await h.reporter();
    const out202 = await lambda.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Event', Payload: Buffer.from('{"hello":"async"}') }));
    assert.equal(out202.StatusCode, 202);
    assert.equal(out202.$metadata.httpStatusCode, 202);
    assert.equal(out202.FunctionError, undefined);
    assert.equal(out202.Payload?.length ?? 0, 0, 'no function result is ever returned');
    const requestId = out202.$metadata.requestId!;
    assert.match(requestId, UUID);
    const [start] = (await h.reports(out, 2)).filter((r) => r.phase === 'start');
    assert.equal(start!.requestId, requestId);
    assert.deepEqual(start!.event, { hello: 'async' });
    assert.equal(start!.invokedArn, fnArn(fn));

    // By full ARN with the $LATEST qualifier and no payload at all (the function gets {}).
    const o = await lambda.send(new InvokeCommand({ FunctionName: `${fnArn(fn)}:$LATEST`, InvocationType: 'Event' }));
    assert.equal(o.StatusCode, 202);
    const id2 = o.$metadata.requestId!;
    const [second] = (await h.reports(out, 2)).filter((r) => r.phase === 'start');
    assert.equal(second!.requestId, id2);
    assert.equal(second!.invokedArn, `${fnArn(fn)}:$LATEST`);
    assert.deepEqual(second!.event, {});
    await waitFor('the backlog to drain', () => drained(srv.url, fn));
  });

  test('Event payload rules: over 1 MB → 413 RequestTooLargeException, 1 MB accepted, non-JSON → 400, unknown function → 404', async () => {
    const { fn, out } = await h.reporter();
    const MB = 1024 * 1024;
    // A JSON string literal of exactly n bytes.
    const jsonOf = (n: number) => Buffer.from(`"${'x'.repeat(n - 2)}"`);
    await expectAwsError(lambda.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Event', Payload: jsonOf(MB + 1) })), {
      name: 'RequestTooLargeException', status: 413, message: /Request must be smaller than \d+ bytes for the InvokeFunction operation/,
    });
    await expectAwsError(lambda.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Event', Payload: Buffer.from('{not json') })), {
      name: 'InvalidRequestContentException', status: 400, message: /^Could not parse request body into json/,
    });
    await expectAwsError(lambda.send(new InvokeCommand({ FunctionName: `${fn}-missing`, InvocationType: 'Event', Payload: Buffer.from('{}') })), {
      name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${fnArn(`${fn}-missing`)}`,
    });
    await expectAwsError(lambda.send(new InvokeCommand({ FunctionName: fn, Qualifier: '1', InvocationType: 'Event', Payload: Buffer.from('{}') })), {
      name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${fnArn(fn)}:1`,
    });
    assert.equal(await backlogOf(srv.url, fn), undefined, 'a rejected event is not queued');
    assert.equal(await queueDepth(sqs, out.url), 0);

    // The async limit is 1 MB; the sync limit (6 MB) still applies to RequestResponse.
    const ok = await lambda.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Event', Payload: jsonOf(MB) }));
    assert.equal(ok.StatusCode, 202);
    const [start] = (await h.reports(out, 2)).filter((r) => r.phase === 'start');
    assert.equal(start!.requestId, ok.$metadata.requestId);
    assert.deepEqual(start!.event, { bigEvent: MB });
    const sync = await lambda.send(new InvokeCommand({ FunctionName: fn, Payload: jsonOf(MB + 1) }));
    assert.equal(sync.StatusCode, 200);
    await h.reports(out, 2);
  });

  test('a failing event runs 3 times by default with the same awsRequestId, ≈ the retry delay and then ≈ twice it apart', async () => {
    const { fn, out } = await h.reporter();
    const dest = await createQueue(sqs, 'fail');
    await h.config(fn, { DestinationConfig: { OnFailure: { Destination: dest.arn } } });
    // Warm first, so that the first gap has no cold start in it.
    await lambda.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from('{"warm":true}') }));
    await h.reports(out, 2);
    const requestId = await h.event(fn, { fail: 'always' });
    // Between attempts the event shows as retrying.
    await waitFor('the event to show as retrying', async () => (await backlogOf(srv.url, fn))?.retrying === 1, 5000, 10);
    const record = await h.record(dest);
    assert.equal(record.requestContext.approximateInvokeCount, 3);
    assert.equal(record.requestContext.condition, 'RetriesExhausted');
    const runs = starts(await h.reports(out, 6));
    assert.equal(runs.length, 3);
    assert.deepEqual(runs.map((r) => r.requestId), [requestId, requestId, requestId]);
    const gap1 = runs[1]!.started - runs[0]!.started;
    const gap2 = runs[2]!.started - runs[1]!.started;
    assert.ok(gap1 >= DELAY_MS - SLACK_MS, `attempt 2 came ${gap1} ms after attempt 1 (want ≈ ${DELAY_MS})`);
    assert.ok(gap2 >= 2 * DELAY_MS - SLACK_MS, `attempt 3 came ${gap2} ms after attempt 2 (want ≈ ${2 * DELAY_MS})`);
    assert.equal(await queueDepth(sqs, out.url), 0, 'no attempt after the record');
    assert.ok(await drained(srv.url, fn));
  });

  test('MaximumRetryAttempts 0, 1 and 2 → 1, 2 and 3 attempts, then the on-failure record says so', async () => {
    const cases = await Promise.all([0, 1, 2].map(async (retries) => {
      const { fn, out } = await h.reporter();
      const dest = await createQueue(sqs, `fail${retries}`);
      await h.config(fn, { MaximumRetryAttempts: retries, DestinationConfig: { OnFailure: { Destination: dest.arn } } });
      const requestId = await h.event(fn, { fail: `retries ${retries}` });
      return { retries, fn, out, dest, requestId };
    }));
    for (const c of cases) {
      const record = await h.record(c.dest);
      assert.equal(record.requestContext.requestId, c.requestId);
      assert.equal(record.requestContext.approximateInvokeCount, c.retries + 1, `MaximumRetryAttempts ${c.retries}`);
      const runs = starts(await h.reports(c.out, 2 * (c.retries + 1)));
      assert.equal(runs.length, c.retries + 1);
      assert.ok(runs.every((r) => r.requestId === c.requestId));
      assert.equal(await queueDepth(sqs, c.out.url), 0, `MaximumRetryAttempts ${c.retries}: no further attempt`);
    }
  });

  test('the wait before a retry counts from the end of the failed attempt (a slow failing function still waits)', async () => {
    const { fn, out } = await h.reporter();
    const dest = await createQueue(sqs, 'slowfail');
    await h.config(fn, { MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: dest.arn } } });
    await h.event(fn, { fail: 'slow', sleepMs: 2 * DELAY_MS });
    await h.record(dest, 20_000);
    const reports = await h.reports(out, 6);
    const byRun = (run: number, phase: string) => reports.find((r) => r.run === run && r.phase === phase)!;
    const wait1 = byRun(2, 'start').started - byRun(1, 'end').at;
    const wait2 = byRun(3, 'start').started - byRun(2, 'end').at;
    assert.ok(wait1 >= DELAY_MS - SLACK_MS, `attempt 2 started ${wait1} ms after attempt 1 failed (want ≥ ${DELAY_MS})`);
    assert.ok(wait2 >= 2 * DELAY_MS - SLACK_MS, `attempt 3 started ${wait2} ms after attempt 2 failed (want ≥ ${2 * DELAY_MS})`);
  });

  test('on-success record to SQS: every field (version, timestamp, requestContext, requestPayload, responseContext, responsePayload)', async () => {
    const { fn, out } = await h.reporter();
    const dest = await createQueue(sqs, 'ok');
    await h.config(fn, { DestinationConfig: { OnSuccess: { Destination: dest.arn } } });
    const sent = Date.now();
    const payload = { order: [1, 2, 3], nested: { text: 'héllo ✓' }, result: { answer: 42, list: ['a'] } };
    const requestId = await h.event(fn, payload);
    const record = await h.record(dest);
    assert.deepEqual(Object.keys(record), ['version', 'timestamp', 'requestContext', 'requestPayload', 'responseContext', 'responsePayload']);
    assertRecordBasics(record, { requestId, fn, condition: 'Success', count: 1, payload, notBefore: sent });
    assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: '$LATEST' }, 'no functionError on success');
    assert.deepEqual(record.responsePayload, { answer: 42, list: ['a'] });
    await h.reports(out, 2);

    // Destinations are for asynchronous invocations only: a sync call sends no record. (Were one sent, it would be
    // ahead of the record of the event invoked after the call returned.)
    const sync = await lambda.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from('{"result":"sync"}') }));
    assert.equal(Buffer.from(sync.Payload!).toString(), '"sync"');
    const id2 = await h.event(fn, { result: 'async' });
    const next = await h.record(dest);
    assert.equal(next.requestContext.requestId, id2, 'the only record is the event\'s');
    await h.reports(out, 4);
    assert.equal(await queueDepth(sqs, dest.url), 0);
  });

  test('InvokeAsync (deprecated, POST /2014-11-13/functions/{name}/invoke-async) → 202 and the event runs like an Event invoke', async () => {
    const { fn, out } = await h.reporter();
    const r = await lambda.send(new InvokeAsyncCommand({ FunctionName: fn, InvokeArgs: Buffer.from('{"legacy":true}') }));
    assert.equal(r.Status, 202);
    const [start] = starts(await h.reports(out, 2));
    assert.deepEqual(start!.event, { legacy: true });
  });

  test('an event that fails once and then succeeds: one on-success record with approximateInvokeCount 2, no failure record', async () => {
    const { fn, out } = await h.reporter();
    const ok = await createQueue(sqs, 'ok');
    const failed = await createQueue(sqs, 'failed');
    await h.config(fn, { DestinationConfig: { OnSuccess: { Destination: ok.arn }, OnFailure: { Destination: failed.arn } } });
    const requestId = await h.event(fn, { failTimes: 1 });
    const record = await h.record(ok);
    assert.equal(record.requestContext.requestId, requestId);
    assert.equal(record.requestContext.condition, 'Success');
    assert.equal(record.requestContext.approximateInvokeCount, 2);
    assert.deepEqual(record.responsePayload, { ok: true, got: { failTimes: 1 } });
    assert.equal(starts(await h.reports(out, 4)).length, 2);
    assert.equal(await queueDepth(sqs, failed.url), 0);
  });

  test('on-failure record to SQS: RetriesExhausted, functionError Unhandled and the error as responsePayload', async () => {
    const { fn, out } = await h.reporter();
    const dest = await createQueue(sqs, 'fail');
    await h.config(fn, { MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: dest.arn } } });
    const sent = Date.now();
    const payload = { fail: 'kaput', id: 7 };
    const requestId = await h.event(fn, payload);
    const record = await h.record(dest);
    assert.deepEqual(Object.keys(record), ['version', 'timestamp', 'requestContext', 'requestPayload', 'responseContext', 'responsePayload']);
    assertRecordBasics(record, { requestId, fn, condition: 'RetriesExhausted', count: 2, payload, notBefore: sent });
    assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
    assert.equal(record.responsePayload.errorType, 'Error');
    assert.equal(record.responsePayload.errorMessage, 'kaput');
    assert.ok(Array.isArray(record.responsePayload.trace));
    await h.reports(out, 4);
  });

  test('timeouts and runtime crashes are function errors: retried, and the record carries Sandbox.Timedout / Runtime.ExitError', async () => {
    const [timeout, crash] = await Promise.all([{ timeout: 1 }, { timeout: 10 }].map(async (opts) => {
      const s = await h.reporter(opts);
      const dest = await createQueue(sqs, 'fail');
      await h.config(s.fn, { MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: dest.arn } } });
      return { ...s, dest };
    }));
    const idT = await h.event(timeout!.fn, { sleepMs: 5000 });
    const idC = await h.event(crash!.fn, { exit: true });
    const recT = await h.record(timeout!.dest, 20_000);
    assert.equal(recT.requestContext.requestId, idT);
    assert.equal(recT.requestContext.condition, 'RetriesExhausted');
    assert.equal(recT.requestContext.approximateInvokeCount, 2);
    assert.equal(recT.responseContext.functionError, 'Unhandled');
    assert.equal(recT.responsePayload.errorType, 'Sandbox.Timedout');
    assert.match(recT.responsePayload.errorMessage, /Task timed out after 1\.00 seconds/);
    const recC = await h.record(crash!.dest, 20_000);
    assert.equal(recC.requestContext.requestId, idC);
    assert.equal(recC.requestContext.approximateInvokeCount, 2);
    assert.equal(recC.responseContext.functionError, 'Unhandled');
    assert.equal(recC.responsePayload.errorType, 'Runtime.ExitError');
    assert.equal(starts(await h.reports(timeout!.out, 2)).length, 2);
    assert.equal(starts(await h.reports(crash!.out, 2)).length, 2);
  });

  test('destinations that are Lambda functions: the record arrives as the destination function\'s event (success and failure)', async () => {
    const target = await h.reporter();
    const ok = await h.reporter();
    const bad = await h.reporter();
    await h.config(ok.fn, { DestinationConfig: { OnSuccess: { Destination: fnArn(target.fn) } } });
    await h.config(bad.fn, { MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: `${fnArn(target.fn)}:$LATEST` } } });
    const sent = Date.now();
    const idOk = await h.event(ok.fn, { result: 'fine' });
    const idBad = await h.event(bad.fn, { fail: 'no good' });
    const got = starts(await h.reports(target.out, 4, 20_000));
    assert.equal(got.length, 2);
    const recOk = got.find((r) => r.event.requestContext?.requestId === idOk)!.event;
    const recBad = got.find((r) => r.event.requestContext?.requestId === idBad)!.event;
    assertRecordBasics(recOk, { requestId: idOk, fn: ok.fn, condition: 'Success', count: 1, payload: { result: 'fine' }, notBefore: sent });
    assert.equal(recOk.responsePayload, 'fine');
    assertRecordBasics(recBad, { requestId: idBad, fn: bad.fn, condition: 'RetriesExhausted', count: 1, payload: { fail: 'no good' }, notBefore: sent });
    assert.equal(recBad.responsePayload.errorMessage, 'no good');
    // The destination runs as an invocation of its own, under a new request id.
    for (const r of got) assert.ok(r.requestId !== idOk && r.requestId !== idBad);
    assert.deepEqual(new Set(got.map((r) => r.invokedArn)), new Set([fnArn(target.fn), `${fnArn(target.fn)}:$LATEST`]));
  });

  test('DeadLetterConfig: the original payload verbatim with RequestID / ErrorCode / ErrorMessage; the on-failure destination also gets its record', async () => {
    const { fn, out } = await h.reporter();
    const dlq = await createQueue(sqs, 'dlq');
    const dest = await createQueue(sqs, 'fail');
    const okDest = await createQueue(sqs, 'ok');
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn, DeadLetterConfig: { TargetArn: dlq.arn } }));
    await h.config(fn, { MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: dest.arn }, OnSuccess: { Destination: okDest.arn } } });
    // Spacing and key order must survive: the DLQ gets the event as sent, not re-serialised.
    const text = '{ "fail" : "dlq me",   "n": [1, 2.50] }';
    const out202 = await lambda.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Event', Payload: Buffer.from(text) }));
    const requestId = out202.$metadata.requestId!;
    const [m] = await receive(sqs, dlq.url, 1);
    assert.equal(m!.Body, text);
    assert.deepEqual(m!.MessageAttributes, {
      RequestID: { DataType: 'String', StringValue: requestId },
      ErrorCode: { DataType: 'Number', StringValue: '200' },
      ErrorMessage: { DataType: 'String', StringValue: 'dlq me' },
    });
    const record = await h.record(dest);
    assert.equal(record.requestContext.requestId, requestId);
    assert.equal(record.requestContext.approximateInvokeCount, 2);
    assert.deepEqual(record.requestPayload, JSON.parse(text));
    assert.equal(starts(await h.reports(out, 4)).length, 2);

    // A successful event sends nothing to the DLQ.
    await h.event(fn, { result: 1 });
    await h.record(okDest);
    assert.equal(await queueDepth(sqs, dlq.url), 0);
  });

  test('the DLQ ErrorMessage attribute holds at most the first 1 KB of a long error message', async () => {
    const { fn } = await h.reporter();
    const dlq = await createQueue(sqs, 'dlq');
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn, DeadLetterConfig: { TargetArn: dlq.arn } }));
    await h.config(fn, { MaximumRetryAttempts: 0 });
    const long = 'e'.repeat(3000);
    await h.event(fn, { fail: long });
    const [m] = await receive(sqs, dlq.url, 1);
    assert.equal(m!.MessageAttributes!.ErrorMessage!.StringValue, long.slice(0, 1024));
  });

  test('a destination queue or DLQ that does not exist: no crash, the event still ends, the failures are counted in /_lambkin/async', async () => {
    const { fn, out } = await h.reporter();
    const missing = queueArn(`${fn}-no-such-queue`);
    const missingDlq = queueArn(`${fn}-no-such-dlq`);
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn, DeadLetterConfig: { TargetArn: missingDlq } }));
    await h.config(fn, { MaximumRetryAttempts: 0, DestinationConfig: { OnSuccess: { Destination: missing }, OnFailure: { Destination: missing } } });
    await h.event(fn, { result: 'ok' });
    await h.event(fn, { fail: 'no destination' });
    await h.reports(out, 4);
    const b = await waitFor('both delivery failures to be counted', async () => {
      const x = await backlogOf(srv.url, fn);
      return x && x.destinationDeliveryFailures === 2 && x.deadLetterErrors === 1 ? x : undefined;
    }) as NonNullable<Awaited<ReturnType<typeof backlogOf>>>;
    assert.deepEqual({ queued: b.queued, running: b.running, retrying: b.retrying }, { queued: 0, running: 0, retrying: 0 });
    // The server is fine and the function still runs.
    const health = await (await fetch(`${srv.url}/_lambkin/health`)).json();
    assert.equal(health.status, 'ok');
    const r = await lambda.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from('{"result":"still here"}') }));
    assert.equal(Buffer.from(r.Payload!).toString(), '"still here"');
  });

  test('a FIFO queue as destination is a delivery failure (AWS: FIFO queues are not supported destinations)', async () => {
    const { fn, out } = await h.reporter();
    const fifo = uniqueName('dest') + '.fifo';
    await sqs.send(new CreateQueueCommand({ QueueName: fifo, Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }));
    await h.config(fn, { DestinationConfig: { OnSuccess: { Destination: queueArn(fifo) } } });
    await h.event(fn, { result: 'fifo' });
    await h.reports(out, 2);
    await waitFor('the failed delivery to be counted', async () => (await backlogOf(srv.url, fn))?.destinationDeliveryFailures === 1);
    assert.equal(await queueDepth(sqs, `${srv.url}/000000000000/${fifo}`), 0);
  });

  test('reserved concurrency 0: sync → 429 ReservedFunctionConcurrentInvocationLimitExceeded; Event → 202, then straight to on-failure and DLQ without running', async () => {
    const { fn, out } = await h.reporter();
    const dest = await createQueue(sqs, 'fail');
    const dlq = await createQueue(sqs, 'dlq');
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn, DeadLetterConfig: { TargetArn: dlq.arn } }));
    await h.config(fn, { DestinationConfig: { OnFailure: { Destination: dest.arn } } });
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: fn, ReservedConcurrentExecutions: 0 }));

    const err = await expectAwsError(lambda.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from('{}') })), {
      name: 'TooManyRequestsException', status: 429, message: 'Rate Exceeded.',
    });
    assert.equal((err as any).Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
    assert.equal((err as any).Type, 'User');

    const sent = Date.now();
    const payload = { never: 'runs' };
    const requestId = await h.event(fn, payload);
    const record = await h.record(dest);
    assertRecordBasics(record, { requestId, fn, condition: 'ZeroReservedConcurrency', count: 0, payload, notBefore: sent });
    assert.equal(record.responsePayload, undefined, 'the function never ran');
    assert.equal(record.responseContext?.functionError, undefined);
    const [m] = await receive(sqs, dlq.url, 1);
    assert.equal(m!.Body, JSON.stringify(payload));
    assert.equal(m!.MessageAttributes!.RequestID!.StringValue, requestId);
    assert.ok(m!.MessageAttributes!.ErrorMessage!.StringValue);
    assert.equal(await queueDepth(sqs, out.url), 0, 'the function never ran');
    assert.ok(await drained(srv.url, fn));

    // Without the reservation it runs again.
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: fn }));
    const id2 = await h.event(fn, { after: 'delete' });
    assert.equal(starts(await h.reports(out, 2))[0]!.requestId, id2);
  });

  test('reserved concurrency 1 and a busy function: Event is still 202, events wait (shown in /_lambkin/async and health) and then run one at a time', async () => {
    const { fn, out } = await h.reporter();
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: fn, ReservedConcurrentExecutions: 1 }));
    const blocker = lambda.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from(JSON.stringify({ sleepMs: 1500 })) }));
    const [first] = await h.reports(out, 1);
    assert.equal(first!.phase, 'start');
    const err = await expectAwsError(lambda.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from('{}') })), {
      name: 'TooManyRequestsException', status: 429,
    });
    assert.equal((err as any).Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await h.event(fn, { i, sleepMs: 100 }));
    const b = await backlogOf(srv.url, fn);
    assert.equal(b?.queued, 3, `backlog: ${JSON.stringify(b)}`);
    assert.equal(b?.running, 0);
    assert.ok(b!.oldestAgeMs >= 0);
    const health = await (await fetch(`${srv.url}/_lambkin/health`)).json();
    assert.ok(health.async.queued >= 3, `health.async: ${JSON.stringify(health.async)}`);
    assert.equal((await blocker).StatusCode, 200);
    const reports = [first!, ...(await h.reports(out, 7))];
    assert.deepEqual(new Set(starts(reports).slice(1).map((r) => r.requestId)), new Set(ids));
    assert.equal(maxOverlap(reports), 1, 'never more than the reservation at once');
    await waitFor('the backlog to drain', () => drained(srv.url, fn));
  });

  test('MaximumEventAgeInSeconds 60 in real time: an event held back by busy reserved concurrency ends with EventAgeExceeded', { timeout: 120_000 }, async () => {
    const o = await slowAge;
    assertRecordBasics(o.record, { requestId: o.requestId, fn: o.fn, condition: 'EventAgeExceeded', count: 0, payload: o.payload, notBefore: o.sent });
    assert.equal(o.record.responsePayload, undefined, 'the function never ran for this event');
    const age = Date.parse(o.record.timestamp) - o.sent;
    assert.ok(age >= 60_000 - SLACK_MS, `expired after ${age} ms (want ≥ 60 s)`);
    assert.ok(age <= 70_000, `expired after ${age} ms (want soon after 60 s)`);
    assert.ok(!o.ranFor.includes(o.requestId), 'the event never ran');
  });

  test('an event that expired while throttled goes to the DLQ with ErrorCode 429 and ErrorMessage "Rate Exceeded." (AWS: the last attempt was throttled)', async () => {
    const o = await slowAge;
    assert.equal(o.dlq.Body, JSON.stringify(o.payload));
    assert.equal(o.dlq.MessageAttributes!.RequestID!.StringValue, o.requestId);
    assert.equal(o.dlq.MessageAttributes!.ErrorCode!.StringValue, '429');
    assert.equal(o.dlq.MessageAttributes!.ErrorMessage!.StringValue, 'Rate Exceeded.');
  });
});

interface SlowAgeOutcome {
  fn: string;
  requestId: string;
  payload: unknown;
  sent: number;
  record: any;
  dlq: import('@aws-sdk/client-sqs').Message;
  /** Request ids the function ran for. */
  ranFor: string[];
}

/**
 * MaximumEventAgeInSeconds' minimum is 60 s, so this takes a minute: the function's only reserved unit is held by a
 * sync call for 65 s while one event waits; it must leave through the failure path at ≈ 60 s, never having run.
 */
async function slowAgeScenario(srv: Server, h: ReturnType<typeof harness>, sqs: SQSClient): Promise<SlowAgeOutcome> {
  const { fn, out } = await h.reporter({ timeout: 90 });
  const dest = await createQueue(sqs, 'aged');
  const dlq = await createQueue(sqs, 'aged-dlq');
  await srv.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn, DeadLetterConfig: { TargetArn: dlq.arn } }));
  await h.config(fn, { MaximumEventAgeInSeconds: 60, DestinationConfig: { OnFailure: { Destination: dest.arn } } });
  await srv.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: fn, ReservedConcurrentExecutions: 1 }));
  const blocker = srv.lambda.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from(JSON.stringify({ sleepMs: 65_000 })) }));
  blocker.catch(() => undefined);
  const [start] = await h.reports(out, 1);
  const payload = { aged: true };
  const sent = Date.now();
  const requestId = await h.event(fn, payload);
  const record = await h.record(dest, 75_000);
  const [dlqMessage] = await receive(sqs, dlq.url, 1, 10_000);
  await blocker;
  const reports = await h.reports(out, 1);
  return { fn, requestId, payload, sent, record, dlq: dlqMessage!, ranFor: [start!, ...reports].filter((r) => r.phase === 'start').map((r) => r.requestId) };
}

describe('EventAgeExceeded in seconds: an event back-dated in the store while the server is stopped', () => {
  test('after a restart, a queued event older than MaximumEventAgeInSeconds ends with EventAgeExceeded and never runs', async () => {
    const dataDir = tempDir();
    let srv: Server | undefined = await startServer({ dataDir, asyncRetryDelayMs: DELAY_MS });
    let sqs = sqsOf(srv.url);
    try {
      const h = harness(() => ({ lambda: srv!.lambda, sqs }));
      const { fn, out } = await h.reporter({ timeout: 30 });
      const dest = await createQueue(sqs, 'aged');
      await h.config(fn, { MaximumEventAgeInSeconds: 60, DestinationConfig: { OnFailure: { Destination: dest.arn } } });
      await srv.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: fn, ReservedConcurrentExecutions: 1 }));
      const blocker = srv.lambda.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from(JSON.stringify({ sleepMs: 20_000 })) }));
      blocker.catch(() => undefined);
      await h.reports(out, 1);
      const payload = { old: 'news' };
      const requestId = await h.event(fn, payload);
      assert.equal((await backlogOf(srv.url, fn))?.queued, 1);
      sqs.destroy();
      await srv.close();
      srv = undefined;

      // Back-date the waiting event by 61 s through the Store contract (the server is down, nothing else writes).
      const store = openSqliteStore(dataDir, 'FULL');
      const events = await store.asyncEvents.all();
      const event = events.find((e) => e.requestId === requestId);
      assert.ok(event, 'the accepted event is in the store');
      await store.asyncEvents.apply([{ op: 'update', event: { ...event, enqueuedMs: event.enqueuedMs - 61_000, dueMs: event.dueMs - 61_000 } }]);
      await store.close();

      srv = await startServer({ dataDir, asyncRetryDelayMs: DELAY_MS });
      sqs = sqsOf(srv.url);
      // Queue URLs name the endpoint, and the restarted server listens on another port.
      const urlOf = (q: TestQueue) => `${srv!.url}/000000000000/${q.name}`;
      const [record] = await receiveJson(sqs, urlOf(dest), 1, 15_000, 'the EventAgeExceeded record');
      assertRecordBasics(record, { requestId, fn, condition: 'EventAgeExceeded', count: 0, payload, notBefore: Date.now() - 30_000 });
      assert.equal(record.responsePayload, undefined);
      await waitFor('the backlog to drain', () => drained(srv!.url, fn));
      assert.equal(await queueDepth(sqs, urlOf(out)), 0, 'the expired event never ran');
    } finally {
      sqs.destroy();
      await srv?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('account concurrency limit (accountConcurrency 2, minUnreservedConcurrency 1)', () => {
  let srv: Server;
  let sqs: SQSClient;
  const h = harness(() => ({ lambda: srv.lambda, sqs }));
  before(async () => {
    srv = await startServer({ accountConcurrency: 2, minUnreservedConcurrency: 1, asyncRetryDelayMs: DELAY_MS, spareRuntimes: 2 });
    sqs = sqsOf(srv.url);
  });
  after(async () => {
    sqs?.destroy();
    await srv?.close();
  });

  test('a third concurrent sync call gets 429 ConcurrentInvocationLimitExceeded; async events beyond the limit wait and all run, never more than 2 at once', async () => {
    const a = await h.reporter();
    const other = await h.reporter();
    const sync = [0, 1].map((i) => srv.lambda.send(new InvokeCommand({ FunctionName: a.fn, Payload: Buffer.from(JSON.stringify({ sync: i, sleepMs: 1500 })) })));
    const firstTwo = await h.reports(a.out, 2);
    assert.ok(firstTwo.every((r) => r.phase === 'start'));
    for (const fn of [a.fn, other.fn]) {
      const err = await expectAwsError(srv.lambda.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from('{}') })), {
        name: 'TooManyRequestsException', status: 429, message: 'Rate Exceeded.',
      });
      assert.equal((err as any).Reason, 'ConcurrentInvocationLimitExceeded');
    }
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await h.event(a.fn, { async: i, sleepMs: 200 }));
    const b = await backlogOf(srv.url, a.fn);
    assert.ok(b && b.queued >= 1, `events wait for concurrency: ${JSON.stringify(b)}`);
    for (const s of sync) assert.equal((await s).StatusCode, 200);
    const reports = [...firstTwo, ...(await h.reports(a.out, 2 + 12, 20_000))];
    const ran = starts(reports).map((r) => r.requestId);
    for (const id of ids) assert.equal(ran.filter((x) => x === id).length, 1, `event ${id} ran exactly once`);
    assert.ok(maxOverlap(reports) <= 2, `at most 2 at once (saw ${maxOverlap(reports)})`);
    await waitFor('the backlog to drain', () => drained(srv.url, a.fn));
    assert.equal(await queueDepth(sqs, other.out.url), 0, 'the throttled call never ran');
  });

  test('a reservation comes out of the shared pool: with 1 of 2 reserved, other functions get 1 at a time, the reserved one keeps its unit', async () => {
    const reserved = await h.reporter();
    const shared = await h.reporter();
    await srv.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: reserved.fn, ReservedConcurrentExecutions: 1 }));
    try {
      const busy = srv.lambda.send(new InvokeCommand({ FunctionName: shared.fn, Payload: Buffer.from(JSON.stringify({ sleepMs: 1000 })) }));
      await h.reports(shared.out, 1);
      const err = await expectAwsError(srv.lambda.send(new InvokeCommand({ FunctionName: shared.fn, Payload: Buffer.from('{}') })), {
        name: 'TooManyRequestsException', status: 429,
      });
      assert.equal((err as any).Reason, 'ConcurrentInvocationLimitExceeded');
      const mine = await srv.lambda.send(new InvokeCommand({ FunctionName: reserved.fn, Payload: Buffer.from('{"result":"reserved"}') }));
      assert.equal(Buffer.from(mine.Payload!).toString(), '"reserved"');
      assert.equal((await busy).StatusCode, 200);
      await h.reports(shared.out, 1);
      await h.reports(reserved.out, 2);
    } finally {
      await srv.lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: reserved.fn }));
    }
  });
});

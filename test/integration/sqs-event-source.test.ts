// The pull model end to end (event-sources.md §2, §3): a queue, an event source mapping and a function, all through
// the real SDK clients. Each function reports what it received to an "out" FIFO queue, so the test sees exactly
// which events arrived, in which order, from inside the function.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateEventSourceMappingCommand, DeleteFunctionCommand, GetEventSourceMappingCommand, UpdateEventSourceMappingCommand,
  type CreateEventSourceMappingCommandInput,
} from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { startServer, TEST_CREDENTIALS, uniqueName, waitFor } from '../helpers/server.js';
import { deploy } from '../helpers/functions.js';

type Server = Awaited<ReturnType<typeof startServer>>;

/**
 * Reports each invocation to the FIFO queue in OUT (one message per invocation, in invocation order), then behaves
 * as the records ask: a body starting with `fail` makes it report that record as failed (ReportBatchItemFailures),
 * `throw` makes the whole invocation fail, `sleep:<ms>` waits first. RESPONSE (env) overrides the return value.
 */
const REPORTER = `
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const handler = async (event, context) => {
  const started = Date.now();
  for (const r of event.Records) if (r.body.startsWith('sleep:')) await sleep(Number(r.body.slice(6)));
  await sqs.send(new SendMessageCommand({
    QueueUrl: process.env.OUT, MessageGroupId: 'out',
    MessageBody: JSON.stringify({ event, started, ended: Date.now(), requestId: context.awsRequestId }),
  }));
  if (event.Records.some((r) => r.body === 'throw')) throw new Error('told to throw');
  if (process.env.RESPONSE) return JSON.parse(process.env.RESPONSE);
  return { batchItemFailures: event.Records.filter((r) => r.body.startsWith('fail')).map((r) => ({ itemIdentifier: r.messageId })) };
};`;

interface Report {
  event: { Records: Record<string, any>[] };
  started: number;
  ended: number;
}

describe('SQS event source mappings', () => {
  let srv: Server;
  let sqs: SQSClient;

  before(async () => {
    srv = await startServer({ spareRuntimes: 2 });
    sqs = new SQSClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  });
  after(async () => {
    sqs.destroy();
    await srv.close();
  });

  async function queue(name: string, attributes: Record<string, string> = {}): Promise<{ url: string; arn: string }> {
    const fifo = name.endsWith('.fifo');
    const out = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'true', ...attributes } : attributes }));
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: out.QueueUrl!, AttributeNames: ['QueueArn'] }));
    return { url: out.QueueUrl!, arn: attrs.Attributes!.QueueArn! };
  }

  /** A source queue, an out queue, the reporter function and an Enabled mapping between them. */
  async function setup(opts: { queueAttributes?: Record<string, string>; fifo?: boolean; response?: unknown; mapping?: Partial<CreateEventSourceMappingCommandInput> } = {}) {
    const base = uniqueName('q');
    const source = await queue(opts.fifo ? `${base}.fifo` : base, opts.queueAttributes);
    const out = await queue(`${base}-out.fifo`);
    const environment: Record<string, string> = { OUT: out.url };
    if (opts.response !== undefined) environment.RESPONSE = JSON.stringify(opts.response);
    const fn = await deploy(srv.lambda, { 'index.mjs': REPORTER }, {
      // AWS refuses a mapping whose queue's visibility timeout is shorter than the function's timeout.
      handler: 'index.handler', environment, timeout: Math.min(10, Number(opts.queueAttributes?.VisibilityTimeout ?? 10)),
    });
    const created = await srv.lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: source.arn, ...opts.mapping }));
    const uuid = created.UUID!;
    await waitFor('mapping to settle', async () => {
      const m = await srv.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
      return m.State === 'Enabled' || m.State === 'Disabled';
    });
    return { source, out, fn, uuid };
  }

  /** Reads the next `n` reports from the out queue, in the order the invocations sent them, and deletes them. */
  async function reports(outUrl: string, n: number, timeoutMs = 15_000): Promise<Report[]> {
    const got: Message[] = [];
    await waitFor(`${n} reports`, async () => {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: outUrl, MaxNumberOfMessages: Math.min(10, n - got.length), WaitTimeSeconds: 1 }));
      const batch = r.Messages ?? [];
      got.push(...batch);
      if (batch.length) {
        await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: outUrl, Entries: batch.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })) }));
      }
      return got.length >= n;
    }, timeoutMs, 0);
    return got.map((m) => JSON.parse(m.Body!) as Report);
  }

  async function counts(url: string): Promise<{ visible: number; inFlight: number; delayed: number }> {
    const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
    return {
      visible: Number(a.ApproximateNumberOfMessages), inFlight: Number(a.ApproximateNumberOfMessagesNotVisible),
      delayed: Number(a.ApproximateNumberOfMessagesDelayed),
    };
  }

  const empty = (url: string) => async () => {
    const c = await counts(url);
    return c.visible === 0 && c.inFlight === 0 && c.delayed === 0;
  };

  test('the function gets AWS\'s SQS event with every field, and a successful batch is deleted', async () => {
    const { source, out } = await setup();
    const sent = await sqs.send(new SendMessageCommand({
      QueueUrl: source.url, MessageBody: 'hello',
      MessageAttributes: { colour: { DataType: 'String', StringValue: 'blue' }, raw: { DataType: 'Binary', BinaryValue: Buffer.from('1100') } },
    }));
    const [report] = await reports(out.url, 1);
    const records = report!.event.Records;
    assert.equal(records.length, 1);
    const r = records[0]!;
    assert.deepEqual(Object.keys(r), [
      'messageId', 'receiptHandle', 'body', 'attributes', 'messageAttributes', 'md5OfMessageAttributes', 'md5OfBody', 'eventSource',
      'eventSourceARN', 'awsRegion',
    ]);
    assert.equal(r.messageId, sent.MessageId);
    assert.equal(r.body, 'hello');
    assert.equal(r.md5OfBody, '5d41402abc4b2a76b9719d911017c592');
    assert.equal(r.md5OfMessageAttributes, sent.MD5OfMessageAttributes);
    assert.equal(r.eventSource, 'aws:sqs');
    assert.equal(r.eventSourceARN, source.arn);
    assert.equal(r.awsRegion, 'us-east-1');
    assert.deepEqual(Object.keys(r.attributes), ['ApproximateReceiveCount', 'SentTimestamp', 'SenderId', 'ApproximateFirstReceiveTimestamp']);
    assert.equal(r.attributes.ApproximateReceiveCount, '1');
    assert.match(r.attributes.SentTimestamp, /^\d{13}$/);
    assert.deepEqual(r.messageAttributes, {
      colour: { stringValue: 'blue', stringListValues: [], binaryListValues: [], dataType: 'String' },
      raw: { binaryValue: Buffer.from('1100').toString('base64'), stringListValues: [], binaryListValues: [], dataType: 'Binary' },
    });
    await waitFor('the source queue to be empty', empty(source.url));
  });

  test('a failing batch is not deleted: it comes back after the visibility timeout and the redrive policy moves it to the DLQ', async () => {
    const dlq = await queue(uniqueName('dlq'));
    const { source, out } = await setup({
      queueAttributes: { VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }) },
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: 'throw' }));
    const tries = await reports(out.url, 2);
    assert.deepEqual(tries.map((t) => t.event.Records[0]!.attributes.ApproximateReceiveCount), ['1', '2']);
    await waitFor('the message in the dead-letter queue', async () => (await counts(dlq.url)).visible === 1);
    const moved = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, MessageSystemAttributeNames: ['All'] }));
    assert.equal(moved.Messages![0]!.Body, 'throw');
    assert.equal(moved.Messages![0]!.Attributes!.DeadLetterQueueSourceArn, source.arn);
    assert.deepEqual(await counts(source.url), { visible: 0, inFlight: 0, delayed: 0 });
  });

  test('ReportBatchItemFailures deletes all but the listed messages', async () => {
    const dlq = await queue(uniqueName('dlq'));
    const { source, out } = await setup({
      queueAttributes: { VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }) },
      // No batching window: held for a window as long as the 1 s visibility timeout, the messages would come back
      // (and, at maxReceiveCount 1, go to the DLQ) before the function ever ran. One SendMessageBatch is one receive.
      mapping: { FunctionResponseTypes: ['ReportBatchItemFailures'], BatchSize: 10 },
    });
    const bodies = ['ok-1', 'fail-1', 'ok-2', 'fail-2', 'ok-3'];
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: source.url, Entries: bodies.map((b, i) => ({ Id: `e${i}`, MessageBody: b })) }));
    const [first] = await reports(out.url, 1);
    assert.deepEqual(first!.event.Records.map((r) => r.body).sort(), [...bodies].sort());
    await waitFor('the two failures in the DLQ', async () => (await counts(dlq.url)).visible === 2);
    const moved = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, MaxNumberOfMessages: 10 }));
    assert.deepEqual(moved.Messages!.map((m) => m.Body).sort(), ['fail-1', 'fail-2']);
    await waitFor('the source queue to be empty', empty(source.url));
  });

  for (const [label, response, failedAll] of [
    ['an empty list', { batchItemFailures: [] }, false],
    ['an empty object', {}, false],
    ['an unknown item identifier', { batchItemFailures: [{ itemIdentifier: 'not-a-message-id' }] }, true],
    ['an item without itemIdentifier', { batchItemFailures: [{ id: 'x' }] }, true],
  ] as const) {
    test(`ReportBatchItemFailures with ${label} counts as ${failedAll ? 'a whole-batch failure' : 'success'}`, async () => {
      const dlq = await queue(uniqueName('dlq'));
      const { source, out } = await setup({
        response,
        queueAttributes: { VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }) },
        mapping: { FunctionResponseTypes: ['ReportBatchItemFailures'] },
      });
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: source.url, Entries: [{ Id: 'a', MessageBody: 'one' }, { Id: 'b', MessageBody: 'two' }] }));
      await reports(out.url, 1);
      if (failedAll) await waitFor('both messages in the DLQ', async () => (await counts(dlq.url)).visible === 2);
      await waitFor('the source queue to be empty', empty(source.url));
      if (!failedAll) assert.equal((await counts(dlq.url)).visible, 0);
    });
  }

  test('FIFO: each message group is processed in order, one batch at a time', async () => {
    const { source, out } = await setup({ fifo: true, mapping: { BatchSize: 3 } });
    const entries = [];
    for (let i = 0; i < 10; i++) for (const g of ['a', 'b']) entries.push({ Id: `${g}${i}`, MessageBody: `${g}:${i}`, MessageGroupId: g });
    for (let i = 0; i < entries.length; i += 10) {
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: source.url, Entries: entries.slice(i, i + 10) }));
    }
    const seen: Record<string, number[]> = { a: [], b: [] };
    let total = 0;
    while (total < 20) {
      const batch = await reports(out.url, 1);
      for (const rep of batch) {
        for (const r of rep.event.Records) {
          const [g, i] = r.body.split(':');
          seen[g!]!.push(Number(i));
          assert.equal(r.attributes.MessageGroupId, g);
          assert.match(r.attributes.SequenceNumber, /^\d{20}$/);
          total++;
        }
        assert.ok(rep.event.Records.length <= 3);
      }
    }
    assert.deepEqual(seen.a, [...Array(10).keys()]);
    assert.deepEqual(seen.b, [...Array(10).keys()]);
  });

  test('FilterCriteria: matching messages are delivered, the others are deleted without an invocation', async () => {
    const { source, out } = await setup({
      mapping: { FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ body: { kind: ['keep'] } }) }] }, BatchSize: 10, MaximumBatchingWindowInSeconds: 1 },
    });
    const bodies = [{ kind: 'keep', n: 1 }, { kind: 'drop', n: 2 }, 'plain text', { kind: 'keep', n: 3 }];
    await sqs.send(new SendMessageBatchCommand({
      QueueUrl: source.url, Entries: bodies.map((b, i) => ({ Id: `e${i}`, MessageBody: typeof b === 'string' ? b : JSON.stringify(b) })),
    }));
    const [rep] = await reports(out.url, 1);
    assert.deepEqual(rep!.event.Records.map((r) => JSON.parse(r.body).n).sort(), [1, 3]);
    await waitFor('the source queue to be empty', empty(source.url));
  });

  test('MaximumBatchingWindowInSeconds gathers messages sent apart into one batch', async () => {
    const { source, out } = await setup({ mapping: { BatchSize: 20, MaximumBatchingWindowInSeconds: 2 } });
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: source.url, Entries: [0, 1, 2].map((i) => ({ Id: `a${i}`, MessageBody: `a${i}` })) }));
    await new Promise((r) => setTimeout(r, 300));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: source.url, Entries: [0, 1].map((i) => ({ Id: `b${i}`, MessageBody: `b${i}` })) }));
    const [rep] = await reports(out.url, 1);
    assert.deepEqual(rep!.event.Records.map((r) => r.body).sort(), ['a0', 'a1', 'a2', 'b0', 'b1']);
  });

  test('a batch is invoked as soon as BatchSize messages are there, without waiting for the window', async () => {
    const { source, out } = await setup({ mapping: { BatchSize: 20, MaximumBatchingWindowInSeconds: 300 } });
    const entries = [...Array(20).keys()].map((i) => ({ Id: `m${i}`, MessageBody: `m${i}` }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: source.url, Entries: entries.slice(0, 10) }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: source.url, Entries: entries.slice(10) }));
    const [rep] = await reports(out.url, 1, 10_000);
    assert.equal(rep!.event.Records.length, 20);
  });

  test('Enabled=false stops polling; re-enabling resumes', async () => {
    const { source, out, uuid } = await setup();
    await srv.lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
    await waitFor('Disabled', async () => (await srv.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State === 'Disabled');
    await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: 'while disabled' }));
    // Nothing may take the message while the mapping is disabled: it stays visible for this whole (bounded) check.
    const deadline = Date.now() + 1500;
    while (Date.now() < deadline) {
      assert.deepEqual(await counts(source.url), { visible: 1, inFlight: 0, delayed: 0 });
      await new Promise((r) => setTimeout(r, 100));
    }
    await srv.lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }));
    const [rep] = await reports(out.url, 1);
    assert.equal(rep!.event.Records[0]!.body, 'while disabled');
    await waitFor('the source queue to be empty', empty(source.url));
  });

  test('a function deleted while its pollers wait gets no more messages: they stay in the queue', async () => {
    const { source, fn, uuid } = await setup();
    await srv.lambda.send(new DeleteFunctionCommand({ FunctionName: fn }));
    await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: 'after the delete' }));
    const m = await waitFor('the mapping to notice', async () => {
      const got = await srv.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
      return got.LastProcessingResult === 'PROBLEM: Function not found.' ? got : undefined;
    });
    assert.equal(m!.State, 'Enabled');
    await waitFor('the message visible again', async () => (await counts(source.url)).visible === 1);
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: source.url }));
    assert.equal(got.Messages?.[0]?.Body, 'after the delete');
  });

  test('ScalingConfig.MaximumConcurrency caps the batches in flight', async () => {
    const { source, out } = await setup({ mapping: { BatchSize: 1, ScalingConfig: { MaximumConcurrency: 2 } } });
    const entries = [...Array(8).keys()].map((i) => ({ Id: `m${i}`, MessageBody: 'sleep:300' }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: source.url, Entries: entries }));
    const reps = await reports(out.url, 8, 30_000);
    // The most invocations running at one moment: a sweep over starts (+1) and ends (-1), ends first on a tie.
    const edges = reps.flatMap((r) => [[r.started, 1], [r.ended, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let running = 0;
    let maxRunning = 0;
    for (const [, d] of edges) maxRunning = Math.max(maxRunning, (running += d));
    assert.equal(maxRunning, 2);
  });
});

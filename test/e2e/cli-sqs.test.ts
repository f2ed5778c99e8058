// The SQS API end to end through the real AWS CLI against a spawned `lambkin start`, as a user drives it: queues
// (standard and FIFO), messages (attributes, delays, batches, visibility, long polls), purge, redrive to a
// dead-letter queue, tags, deletion and errors. The CLI (botocore) does not check SQS's MD5s itself, so the tests
// recompute MD5OfMessageBody / MD5OfMessageAttributes from what was sent and compare (event-sources.md §5.6).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { awsCli, awsOk, awsToolEnv, type CliResult } from '../helpers/aws-cli.js';
import { tempDir, uniqueName, waitFor } from '../helpers/server.js';
import { killAllSpawned, spawnLambkin, stopLambkin, type SpawnedLambkin } from '../helpers/spawned-lambkin.js';

const scratch = tempDir('lambkin-e2e-cli-sqs-');
const env = awsToolEnv(scratch);
const ACCOUNT = '000000000000';

after(async () => {
  await killAllSpawned();
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** A CLI failure: exit code 254/255 (v1 uses 255, v2 254) and botocore's one-line message with the error code. */
function assertCliError(r: CliResult, code: string, operation: string, message: RegExp): void {
  assert.ok(r.code === 254 || r.code === 255, `exit code ${r.code}, stdout: ${r.stdout}, stderr: ${r.stderr}`);
  assert.match(r.stderr, new RegExp(`An error occurred \\(${escape(code)}\\) when calling the ${operation} operation: `));
  assert.match(r.stderr, message);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex');

interface AttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Buffer;
}

/** MD5OfMessageAttributes as SQS computes it (SQS Dev Guide "Message metadata"), independently of lambkin's code. */
function md5OfAttributes(attrs: Record<string, AttributeValue>): string {
  const parts: Buffer[] = [];
  const withLength = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    parts.push(len, b);
  };
  for (const name of Object.keys(attrs).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))) {
    const a = attrs[name]!;
    withLength(Buffer.from(name));
    withLength(Buffer.from(a.DataType));
    const binary = a.BinaryValue !== undefined;
    parts.push(Buffer.from([binary ? 2 : 1]));
    withLength(binary ? a.BinaryValue! : Buffer.from(a.StringValue!));
  }
  return md5(Buffer.concat(parts));
}

describe('AWS CLI: SQS against `lambkin start`', () => {
  let server: SpawnedLambkin;
  before(async () => {
    server = await spawnLambkin(path.join(scratch, 'data'));
  });
  after(async () => {
    if (server) await stopLambkin(server);
  });

  const ok = (args: string[]) => awsOk(server.url, env, ['sqs', ...args]);
  const run = (args: string[]) => awsCli(server.url, env, ['sqs', ...args]);

  async function createQueue(name: string, attributes?: Record<string, string>): Promise<string> {
    const args = ['create-queue', '--queue-name', name];
    if (attributes) args.push('--attributes', JSON.stringify(attributes));
    const r = await ok(args);
    assert.equal(r.json.QueueUrl, `${server.url}/${ACCOUNT}/${name}`);
    return r.json.QueueUrl;
  }

  async function attributes(url: string, names = ['All']): Promise<Record<string, string>> {
    const r = await ok(['get-queue-attributes', '--queue-url', url, '--attribute-names', ...names]);
    return r.json?.Attributes ?? {};
  }

  async function counts(url: string): Promise<{ visible: number; inFlight: number; delayed: number }> {
    const a = await attributes(url, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed']);
    return { visible: Number(a.ApproximateNumberOfMessages), inFlight: Number(a.ApproximateNumberOfMessagesNotVisible), delayed: Number(a.ApproximateNumberOfMessagesDelayed) };
  }

  /** receive-message with every attribute; [] when the CLI printed nothing (SQS leaves Messages out). */
  async function receive(url: string, extra: string[] = []): Promise<any[]> {
    const r = await ok(['receive-message', '--queue-url', url, '--attribute-names', 'All', '--message-attribute-names', 'All', ...extra]);
    return r.json?.Messages ?? [];
  }

  /** Receives (long-polling 1 s per call) until `n` messages arrived in total; bounded. */
  async function receiveN(url: string, n: number, extra: string[] = [], timeoutMs = 15_000): Promise<any[]> {
    const got: any[] = [];
    await waitFor(`${n} messages from ${url}`, async () => {
      got.push(...await receive(url, ['--max-number-of-messages', String(Math.min(10, n - got.length)), '--wait-time-seconds', '1', ...extra]));
      return got.length >= n;
    }, timeoutMs, 0);
    return got;
  }

  test('create-queue with attributes and tags, get-queue-url, list-queues --queue-name-prefix, get-queue-attributes', async () => {
    const prefix = uniqueName('cli-sqs-list');
    const name = `${prefix}-a`;
    const created = await ok([
      'create-queue', '--queue-name', name, '--attributes', 'VisibilityTimeout=45,DelaySeconds=0,MessageRetentionPeriod=3600,ReceiveMessageWaitTimeSeconds=0',
      '--tags', 'team=core,env=test',
    ]);
    const url = created.json.QueueUrl;
    assert.equal(url, `${server.url}/${ACCOUNT}/${name}`);
    // The same name with the same attributes is idempotent; a different value is QueueAlreadyExists.
    assert.equal((await ok(['create-queue', '--queue-name', name, '--attributes', 'VisibilityTimeout=45'])).json.QueueUrl, url);
    assertCliError(await run(['create-queue', '--queue-name', name, '--attributes', 'VisibilityTimeout=46']), 'QueueAlreadyExists', 'CreateQueue',
      /A queue already exists with the same name and a different value for attribute VisibilityTimeout/);

    const fifoName = `${prefix}-b.fifo`;
    const fifoUrl = await createQueue(fifoName, { FifoQueue: 'true', ContentBasedDeduplication: 'true', VisibilityTimeout: '20' });
    await createQueue(`${uniqueName('cli-sqs-other')}`);

    assert.equal((await ok(['get-queue-url', '--queue-name', name])).json.QueueUrl, url);
    assert.equal((await ok(['get-queue-url', '--queue-name', fifoName, '--queue-owner-aws-account-id', ACCOUNT])).json.QueueUrl, fifoUrl);

    const listed = await ok(['list-queues', '--queue-name-prefix', prefix]);
    assert.deepEqual(listed.json.QueueUrls, [url, fifoUrl]);
    // The CLI's paginator follows NextToken (sent because --page-size sets MaxResults) across pages of one.
    const paged = await ok(['list-queues', '--queue-name-prefix', prefix, '--page-size', '1']);
    assert.deepEqual(paged.json.QueueUrls, [url, fifoUrl]);
    const firstPage = await ok(['list-queues', '--queue-name-prefix', prefix, '--max-items', '1']);
    assert.deepEqual(firstPage.json.QueueUrls, [url]);
    assert.ok(firstPage.json.NextToken, 'the CLI reports where the next page starts');
    const none = await ok(['list-queues', '--queue-name-prefix', uniqueName('cli-sqs-nothing')]);
    assert.equal(none.json?.QueueUrls, undefined);

    const a = await attributes(url);
    assert.equal(a.QueueArn, `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`);
    assert.equal(a.VisibilityTimeout, '45');
    assert.equal(a.MessageRetentionPeriod, '3600');
    assert.equal(a.DelaySeconds, '0');
    assert.equal(a.MaximumMessageSize, '1048576');
    assert.equal(a.ApproximateNumberOfMessages, '0');
    assert.equal(a.FifoQueue, undefined);
    assert.match(a.CreatedTimestamp!, /^\d{10}$/);
    assert.ok(Math.abs(Number(a.CreatedTimestamp) - Date.now() / 1000) < 60, `CreatedTimestamp ${a.CreatedTimestamp}`);
    assert.deepEqual(await attributes(url, ['VisibilityTimeout', 'QueueArn']), { VisibilityTimeout: '45', QueueArn: a.QueueArn });

    const f = await attributes(fifoUrl);
    assert.equal(f.FifoQueue, 'true');
    assert.equal(f.ContentBasedDeduplication, 'true');
    assert.equal(f.VisibilityTimeout, '20');
    assert.equal(f.DeduplicationScope, 'queue');
    assert.equal(f.FifoThroughputLimit, 'perQueue');

    assert.deepEqual((await ok(['list-queue-tags', '--queue-url', url])).json.Tags, { team: 'core', env: 'test' });
  });

  test('send-message with --message-attributes and --delay-seconds; receive-message with every attribute; MD5s match', async () => {
    const url = await createQueue(uniqueName('cli-sqs-send'));
    const body = 'héllo wörld ✓ {"json": true}';
    const attrs = {
      colour: { DataType: 'String', StringValue: 'blue' },
      count: { DataType: 'Number', StringValue: '42' },
      'raw.bytes': { DataType: 'Binary', BinaryValue: '1100' },
      label: { DataType: 'String.custom', StringValue: 'über' },
    };
    const sent = await ok(['send-message', '--queue-url', url, '--message-body', body, '--message-attributes', JSON.stringify(attrs)]);
    assert.match(sent.json.MessageId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(sent.json.MD5OfMessageBody, md5(body));
    const expectedAttrMd5 = md5OfAttributes({ ...attrs, 'raw.bytes': { DataType: 'Binary', BinaryValue: Buffer.from('1100') } });
    assert.equal(sent.json.MD5OfMessageAttributes, expectedAttrMd5);

    const [m] = await receive(url, ['--visibility-timeout', '30']);
    assert.ok(m, 'a message');
    assert.equal(m.MessageId, sent.json.MessageId);
    assert.equal(m.Body, body);
    assert.equal(m.MD5OfBody, md5(body));
    assert.equal(m.MD5OfMessageAttributes, expectedAttrMd5);
    assert.deepEqual(m.MessageAttributes, {
      colour: { StringValue: 'blue', DataType: 'String' },
      count: { StringValue: '42', DataType: 'Number' },
      // The CLI prints blobs base64-encoded.
      'raw.bytes': { BinaryValue: Buffer.from('1100').toString('base64'), DataType: 'Binary' },
      label: { StringValue: 'über', DataType: 'String.custom' },
    });
    assert.equal(m.Attributes.ApproximateReceiveCount, '1');
    assert.equal(m.Attributes.SenderId, 'test');
    assert.match(m.Attributes.SentTimestamp, /^\d{13}$/);
    assert.match(m.Attributes.ApproximateFirstReceiveTimestamp, /^\d{13}$/);
    assert.ok(Number(m.Attributes.ApproximateFirstReceiveTimestamp) >= Number(m.Attributes.SentTimestamp));
    assert.ok(m.ReceiptHandle.length > 0);

    // Only the named message attributes (and an MD5 over just those) when asked by name or prefix.
    await ok(['change-message-visibility', '--queue-url', url, '--receipt-handle', m.ReceiptHandle, '--visibility-timeout', '0']);
    const named = await ok(['receive-message', '--queue-url', url, '--message-attribute-names', 'colour', 'raw.*', '--attribute-names', 'ApproximateReceiveCount']);
    const n = named.json.Messages[0];
    assert.deepEqual(Object.keys(n.MessageAttributes).sort(), ['colour', 'raw.bytes']);
    assert.equal(n.MD5OfMessageAttributes, md5OfAttributes({ colour: attrs.colour, 'raw.bytes': { DataType: 'Binary', BinaryValue: Buffer.from('1100') } }));
    assert.deepEqual(n.Attributes, { ApproximateReceiveCount: '2' });
    await ok(['delete-message', '--queue-url', url, '--receipt-handle', n.ReceiptHandle]);
    assert.deepEqual(await counts(url), { visible: 0, inFlight: 0, delayed: 0 });

    // A delayed message is counted as delayed and cannot be received until its delay has passed.
    const sentAt = Date.now();
    // Each CLI call takes about a second (Python start-up), so the delay leaves room for the checks below.
    const delayed = await ok(['send-message', '--queue-url', url, '--message-body', 'later', '--delay-seconds', '5']);
    assert.equal(delayed.json.MD5OfMessageBody, md5('later'));
    assert.equal(delayed.json.MD5OfMessageAttributes, undefined);
    assert.deepEqual(await counts(url), { visible: 0, inFlight: 0, delayed: 1 });
    assert.deepEqual(await receive(url), []);
    const [late] = await receiveN(url, 1);
    assert.equal(late.Body, 'later');
    assert.equal(late.MessageAttributes, undefined);
    assert.equal(late.MD5OfMessageAttributes, undefined);
    assert.ok(Date.now() - sentAt >= 4500, `received ${Date.now() - sentAt} ms after a 5 s delayed send`);
    await ok(['delete-message', '--queue-url', url, '--receipt-handle', late.ReceiptHandle]);
  });

  test('send-message-batch, receive up to 10, delete-message-batch (with a failed entry), delete-message', async () => {
    const url = await createQueue(uniqueName('cli-sqs-batch'));
    const entries = [...Array(7).keys()].map((i) => ({
      Id: `m${i}`, MessageBody: `batch body ${i}`,
      ...(i % 2 === 0 ? { MessageAttributes: { idx: { DataType: 'Number', StringValue: String(i) } } } : {}),
    }));
    const sent = await ok(['send-message-batch', '--queue-url', url, '--entries', JSON.stringify(entries)]);
    assert.deepEqual(sent.json.Failed ?? [], []);
    assert.deepEqual(sent.json.Successful.map((s: any) => s.Id), entries.map((e) => e.Id));
    for (const [i, s] of sent.json.Successful.entries()) {
      assert.equal(s.MD5OfMessageBody, md5(`batch body ${i}`));
      assert.equal(s.MD5OfMessageAttributes, i % 2 === 0 ? md5OfAttributes({ idx: { DataType: 'Number', StringValue: String(i) } }) : undefined);
    }

    const got = await receiveN(url, 7);
    assert.deepEqual(got.map((m) => m.Body).sort(), entries.map((e) => e.MessageBody).sort());
    for (const m of got) {
      assert.equal(m.MD5OfBody, md5(m.Body));
      const i = Number(m.Body.split(' ').pop());
      assert.equal(m.MessageId, sent.json.Successful[i].MessageId);
      if (i % 2 === 0) assert.equal(m.MD5OfMessageAttributes, sent.json.Successful[i].MD5OfMessageAttributes);
    }
    assert.deepEqual(await counts(url), { visible: 0, inFlight: 7, delayed: 0 });

    const [first, ...rest] = got;
    await ok(['delete-message', '--queue-url', url, '--receipt-handle', first.ReceiptHandle]);
    const del = await ok(['delete-message-batch', '--queue-url', url, '--entries', JSON.stringify([
      ...rest.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })), { Id: 'bogus', ReceiptHandle: 'not-a-receipt-handle' },
    ])]);
    assert.deepEqual(del.json.Successful.map((s: any) => s.Id), rest.map((_, i) => `d${i}`));
    assert.equal(del.json.Failed.length, 1);
    assert.equal(del.json.Failed[0].Id, 'bogus');
    assert.equal(del.json.Failed[0].SenderFault, true);
    assert.equal(del.json.Failed[0].Code, 'ReceiptHandleIsInvalid');
    assert.deepEqual(await counts(url), { visible: 0, inFlight: 0, delayed: 0 });

    // Batch-level errors.
    assertCliError(await run(['send-message-batch', '--queue-url', url, '--entries', JSON.stringify([{ Id: 'x', MessageBody: 'a' }, { Id: 'x', MessageBody: 'b' }])]),
      'AWS.SimpleQueueService.BatchEntryIdsNotDistinct', 'SendMessageBatch', /Id x repeated/);
    const eleven = [...Array(11).keys()].map((i) => ({ Id: `e${i}`, MessageBody: 'x' }));
    assertCliError(await run(['send-message-batch', '--queue-url', url, '--entries', JSON.stringify(eleven)]),
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest', 'SendMessageBatch', /Maximum number of entries per request are 10\. You have sent 11\./);
  });

  test('visibility: --visibility-timeout hides a message for that long; change-message-visibility; --wait-time-seconds long-polls', async () => {
    const url = await createQueue(uniqueName('cli-sqs-vis'));
    await ok(['send-message', '--queue-url', url, '--message-body', 'v']);
    // Each CLI call takes about a second (Python start-up), so the timeout leaves room for the check in between.
    const r0 = Date.now();
    const [m1] = await receive(url, ['--visibility-timeout', '5']);
    assert.equal(m1.Body, 'v');
    assert.deepEqual(await receive(url), [], 'hidden while in flight');
    const [m2] = await receiveN(url, 1);
    const back = Date.now() - r0;
    assert.ok(back >= 4500 && back < 15_000, `visible again ${back} ms after a receive with a 5 s visibility timeout`);
    assert.equal(m2.MessageId, m1.MessageId);
    assert.equal(m2.Attributes.ApproximateReceiveCount, '2');
    assert.notEqual(m2.ReceiptHandle, m1.ReceiptHandle, 'a new receipt handle per receive');

    // Extend, then make visible again at once.
    await ok(['change-message-visibility', '--queue-url', url, '--receipt-handle', m2.ReceiptHandle, '--visibility-timeout', '600']);
    assert.deepEqual(await counts(url), { visible: 0, inFlight: 1, delayed: 0 });
    await ok(['change-message-visibility', '--queue-url', url, '--receipt-handle', m2.ReceiptHandle, '--visibility-timeout', '0']);
    // Visible again, so no longer in flight.
    assertCliError(await run(['change-message-visibility', '--queue-url', url, '--receipt-handle', m2.ReceiptHandle, '--visibility-timeout', '5']),
      'AWS.SimpleQueueService.MessageNotInflight', 'ChangeMessageVisibility', /not in flight/);
    const [m3] = await receive(url);
    assert.equal(m3.MessageId, m1.MessageId);
    assert.equal(m3.Attributes.ApproximateReceiveCount, '3');
    await ok(['delete-message', '--queue-url', url, '--receipt-handle', m3.ReceiptHandle]);
    // The message is gone: AWS answers its last receipt handle with InvalidParameterValue.
    assertCliError(await run(['change-message-visibility', '--queue-url', url, '--receipt-handle', m3.ReceiptHandle, '--visibility-timeout', '5']),
      'InvalidParameterValue', 'ChangeMessageVisibility', /Message does not exist or is not available for visibility timeout change/);

    // An empty long poll waits about as long as asked, and prints nothing.
    const w0 = Date.now();
    const empty = await ok(['receive-message', '--queue-url', url, '--wait-time-seconds', '2']);
    const waited = Date.now() - w0;
    assert.equal(empty.stdout.trim(), '');
    assert.ok(waited >= 1900 && waited < 10_000, `waited ${waited} ms`);

    // A long poll in progress is answered as soon as a message arrives.
    const p0 = Date.now();
    const polling = ok(['receive-message', '--queue-url', url, '--wait-time-seconds', '20']);
    await ok(['send-message', '--queue-url', url, '--message-body', 'wake up']);
    const polled = await polling;
    assert.equal(polled.json.Messages[0].Body, 'wake up');
    assert.ok(Date.now() - p0 < 15_000, `long poll took ${Date.now() - p0} ms`);
  });

  test('FIFO: message groups keep order, content-based and explicit deduplication, SequenceNumber', async () => {
    const url = await createQueue(`${uniqueName('cli-sqs-fifo')}.fifo`, { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    const ids: string[] = [];
    const seqs: bigint[] = [];
    for (let i = 0; i < 4; i++) {
      const s = await ok(['send-message', '--queue-url', url, '--message-body', `f${i}`, '--message-group-id', i % 2 === 0 ? 'ga' : 'gb']);
      assert.match(s.json.SequenceNumber, /^\d{20}$/);
      ids.push(s.json.MessageId);
      seqs.push(BigInt(s.json.SequenceNumber));
    }
    assert.deepEqual([...seqs].sort((a, b) => (a < b ? -1 : 1)), seqs, 'sequence numbers grow');
    // The same body again within 5 minutes is deduplicated (content-based): same MessageId, nothing new queued.
    const again = await ok(['send-message', '--queue-url', url, '--message-body', 'f0', '--message-group-id', 'ga']);
    assert.equal(again.json.MessageId, ids[0]);
    const explicit = await ok(['send-message', '--queue-url', url, '--message-body', 'f0', '--message-group-id', 'ga', '--message-deduplication-id', 'other']);
    assert.notEqual(explicit.json.MessageId, ids[0]);
    assert.equal((await counts(url)).visible, 5);

    const got = await receiveN(url, 5);
    const inGroup = (g: string) => got.filter((m) => m.Attributes.MessageGroupId === g).map((m) => m.Body);
    assert.deepEqual(inGroup('ga'), ['f0', 'f2', 'f0']);
    assert.deepEqual(inGroup('gb'), ['f1', 'f3']);
    const first = got.find((m) => m.MessageId === ids[0]);
    assert.equal(first.Attributes.MessageDeduplicationId, createHash('sha256').update('f0').digest('hex'));
    assert.equal(got.find((m) => m.MessageId === explicit.json.MessageId).Attributes.MessageDeduplicationId, 'other');
    for (const m of got) assert.match(m.Attributes.SequenceNumber, /^\d{20}$/);

    assertCliError(await run(['send-message', '--queue-url', url, '--message-body', 'x']), 'MissingParameter', 'SendMessage',
      /The request must contain the parameter MessageGroupId/);
    assertCliError(await run(['send-message', '--queue-url', url, '--message-body', 'x', '--message-group-id', 'g', '--delay-seconds', '5']),
      'InvalidParameterValue', 'SendMessage', /DelaySeconds is invalid/);
  });

  test('purge-queue empties the queue; a second purge within 60 s is PurgeQueueInProgress', async () => {
    const url = await createQueue(uniqueName('cli-sqs-purge'));
    await ok(['send-message-batch', '--queue-url', url, '--entries', JSON.stringify([1, 2, 3].map((i) => ({ Id: `p${i}`, MessageBody: `p${i}` })))]);
    await receive(url, ['--visibility-timeout', '60']);
    assert.deepEqual(await counts(url), { visible: 2, inFlight: 1, delayed: 0 });
    await ok(['purge-queue', '--queue-url', url]);
    await waitFor('the purge to empty the queue', async () => {
      const c = await counts(url);
      return c.visible === 0 && c.inFlight === 0;
    });
    assert.deepEqual(await receive(url), []);
    assertCliError(await run(['purge-queue', '--queue-url', url]), 'AWS.SimpleQueueService.PurgeQueueInProgress', 'PurgeQueue',
      /Only one PurgeQueue operation on .+ is allowed every 60 seconds/);
    // Messages sent after the purge are kept.
    await ok(['send-message', '--queue-url', url, '--message-body', 'after purge']);
    assert.equal((await receiveN(url, 1))[0].Body, 'after purge');
  });

  test('set-queue-attributes RedrivePolicy: a message received more than maxReceiveCount times moves to the DLQ', async () => {
    const base = uniqueName('cli-sqs-redrive');
    const dlqUrl = await createQueue(`${base}-dlq`);
    const dlqArn = (await attributes(dlqUrl, ['QueueArn'])).QueueArn!;
    const url = await createQueue(base);
    const policy = { deadLetterTargetArn: dlqArn, maxReceiveCount: 2 };
    await ok(['set-queue-attributes', '--queue-url', url, '--attributes', JSON.stringify({ RedrivePolicy: JSON.stringify(policy), VisibilityTimeout: '5' })]);
    const a = await attributes(url, ['RedrivePolicy', 'VisibilityTimeout']);
    assert.equal(a.VisibilityTimeout, '5');
    const stored = JSON.parse(a.RedrivePolicy!);
    assert.equal(stored.deadLetterTargetArn, dlqArn);
    assert.equal(Number(stored.maxReceiveCount), 2);

    const sent = await ok(['send-message', '--queue-url', url, '--message-body', 'poison', '--message-attributes', '{"k":{"DataType":"String","StringValue":"v"}}']);
    for (const count of ['1', '2']) {
      const [m] = await receive(url, ['--visibility-timeout', '0']);
      assert.equal(m.MessageId, sent.json.MessageId);
      assert.equal(m.Attributes.ApproximateReceiveCount, count);
    }
    // The third receive would exceed maxReceiveCount: the message goes to the DLQ instead.
    assert.deepEqual(await receive(url), []);
    await waitFor('the message in the DLQ', async () => (await counts(dlqUrl)).visible === 1);
    assert.deepEqual(await counts(url), { visible: 0, inFlight: 0, delayed: 0 });
    const [dead] = await receiveN(dlqUrl, 1);
    assert.equal(dead.MessageId, sent.json.MessageId);
    assert.equal(dead.Body, 'poison');
    assert.equal(dead.MD5OfBody, md5('poison'));
    assert.equal(dead.MD5OfMessageAttributes, sent.json.MD5OfMessageAttributes);
    assert.deepEqual(dead.MessageAttributes, { k: { StringValue: 'v', DataType: 'String' } });
    assert.equal(dead.Attributes.DeadLetterQueueSourceArn, `arn:aws:sqs:us-east-1:${ACCOUNT}:${base}`);

    // Removing the policy (empty value) stops redrive.
    await ok(['set-queue-attributes', '--queue-url', url, '--attributes', '{"RedrivePolicy":""}']);
    assert.equal((await attributes(url)).RedrivePolicy, undefined);

    // A DLQ that does not exist, or of the other type, is refused.
    const missingArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:${uniqueName('cli-sqs-nodlq')}`;
    assertCliError(await run(['set-queue-attributes', '--queue-url', url, '--attributes',
      JSON.stringify({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: missingArn, maxReceiveCount: 3 }) })]),
    'InvalidParameterValue', 'SetQueueAttributes', /Dead letter target does not exist/);
    assertCliError(await run(['set-queue-attributes', '--queue-url', url, '--attributes',
      JSON.stringify({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 0 }) })]),
    'InvalidParameterValue', 'SetQueueAttributes', /maxReceiveCount/);
  });

  test('tag-queue, list-queue-tags, untag-queue', async () => {
    const url = await createQueue(uniqueName('cli-sqs-tags'));
    assert.equal((await ok(['list-queue-tags', '--queue-url', url])).json?.Tags, undefined);
    await ok(['tag-queue', '--queue-url', url, '--tags', 'owner=alice,stage=dev,cost-centre=42']);
    assert.deepEqual((await ok(['list-queue-tags', '--queue-url', url])).json.Tags, { owner: 'alice', stage: 'dev', 'cost-centre': '42' });
    await ok(['tag-queue', '--queue-url', url, '--tags', 'stage=prod']);
    await ok(['untag-queue', '--queue-url', url, '--tag-keys', 'owner', 'not-there']);
    assert.deepEqual((await ok(['list-queue-tags', '--queue-url', url])).json.Tags, { stage: 'prod', 'cost-centre': '42' });
  });

  test('delete-queue; then the queue does not exist and its name is held for 60 s', async () => {
    const name = uniqueName('cli-sqs-del');
    const url = await createQueue(name);
    await ok(['send-message', '--queue-url', url, '--message-body', 'x']);
    await ok(['delete-queue', '--queue-url', url]);
    assertCliError(await run(['get-queue-url', '--queue-name', name]), 'AWS.SimpleQueueService.NonExistentQueue', 'GetQueueUrl',
      /The specified queue does not exist/);
    assertCliError(await run(['delete-queue', '--queue-url', url]), 'AWS.SimpleQueueService.NonExistentQueue', 'DeleteQueue', /The specified queue does not exist/);
    const listed = await ok(['list-queues', '--queue-name-prefix', name]);
    assert.equal(listed.json?.QueueUrls, undefined);
    assertCliError(await run(['create-queue', '--queue-name', name]), 'AWS.SimpleQueueService.QueueDeletedRecently', 'CreateQueue',
      /You must wait 60 seconds after deleting a queue before you can create another with the same name/);
  });

  test('errors: a nonexistent queue for every kind of call, invalid attribute names and values, bad parameters', async () => {
    const missing = uniqueName('cli-sqs-missing');
    const missingUrl = `${server.url}/${ACCOUNT}/${missing}`;
    const notFound = /The specified queue does not exist/;
    assertCliError(await run(['get-queue-url', '--queue-name', missing]), 'AWS.SimpleQueueService.NonExistentQueue', 'GetQueueUrl', notFound);
    assertCliError(await run(['send-message', '--queue-url', missingUrl, '--message-body', 'x']), 'AWS.SimpleQueueService.NonExistentQueue', 'SendMessage', notFound);
    assertCliError(await run(['receive-message', '--queue-url', missingUrl]), 'AWS.SimpleQueueService.NonExistentQueue', 'ReceiveMessage', notFound);
    assertCliError(await run(['get-queue-attributes', '--queue-url', missingUrl, '--attribute-names', 'All']),
      'AWS.SimpleQueueService.NonExistentQueue', 'GetQueueAttributes', notFound);
    assertCliError(await run(['purge-queue', '--queue-url', missingUrl]), 'AWS.SimpleQueueService.NonExistentQueue', 'PurgeQueue', notFound);
    assertCliError(await run(['tag-queue', '--queue-url', missingUrl, '--tags', 'a=b']), 'AWS.SimpleQueueService.NonExistentQueue', 'TagQueue', notFound);

    const name = uniqueName('cli-sqs-err');
    assertCliError(await run(['create-queue', '--queue-name', name, '--attributes', 'VisibilityTimeout=50000']),
      'InvalidAttributeValue', 'CreateQueue', /Invalid value for the parameter VisibilityTimeout/);
    assertCliError(await run(['create-queue', '--queue-name', name, '--attributes', 'DelaySeconds=abc']),
      'InvalidAttributeValue', 'CreateQueue', /Invalid value for the parameter DelaySeconds/);
    assertCliError(await run(['create-queue', '--queue-name', name, '--attributes', 'Colour=blue']), 'InvalidAttributeName', 'CreateQueue', /Unknown Attribute Colour/);
    assertCliError(await run(['create-queue', '--queue-name', name, '--attributes', 'ContentBasedDeduplication=true']),
      'InvalidAttributeName', 'CreateQueue', /Unknown Attribute ContentBasedDeduplication/);
    assertCliError(await run(['create-queue', '--queue-name', 'bad name!']), 'InvalidParameterValue', 'CreateQueue',
      /Can only include alphanumeric characters, hyphens, or underscores\. 1 to 80 in length/);
    // None of the refused creates made a queue.
    assertCliError(await run(['get-queue-url', '--queue-name', name]), 'AWS.SimpleQueueService.NonExistentQueue', 'GetQueueUrl', notFound);

    const url = await createQueue(name);
    assertCliError(await run(['set-queue-attributes', '--queue-url', url, '--attributes', 'MaximumMessageSize=10']),
      'InvalidAttributeValue', 'SetQueueAttributes', /Invalid value for the parameter MaximumMessageSize/);
    assertCliError(await run(['set-queue-attributes', '--queue-url', url, '--attributes', 'FifoQueue=true']),
      'InvalidAttributeName', 'SetQueueAttributes', /Unknown Attribute FifoQueue/);
    assertCliError(await run(['get-queue-attributes', '--queue-url', url, '--attribute-names', 'Nope']),
      'InvalidAttributeName', 'GetQueueAttributes', /Unknown Attribute Nope/);
    assert.equal((await attributes(url, ['MaximumMessageSize'])).MaximumMessageSize, '1048576', 'refused changes changed nothing');

    assertCliError(await run(['receive-message', '--queue-url', url, '--max-number-of-messages', '11']), 'InvalidParameterValue', 'ReceiveMessage',
      /Value 11 for parameter MaxNumberOfMessages is invalid/);
    assertCliError(await run(['receive-message', '--queue-url', url, '--wait-time-seconds', '21']), 'InvalidParameterValue', 'ReceiveMessage',
      /WaitTimeSeconds is invalid/);
    assertCliError(await run(['send-message', '--queue-url', url, '--message-body', 'x', '--delay-seconds', '901']), 'InvalidParameterValue', 'SendMessage',
      /DelaySeconds is invalid/);
    assertCliError(await run(['send-message', '--queue-url', url, '--message-body', 'x', '--message-attributes', '{"AWS.reserved":{"DataType":"String","StringValue":"v"}}']),
      'InvalidParameterValue', 'SendMessage', /AWS\.reserved/);
    assertCliError(await run(['send-message', '--queue-url', url, '--message-body', 'bell\u0007']), 'InvalidMessageContents', 'SendMessage',
      /Invalid binary character '#x7' was found in the message body/);
    assertCliError(await run(['delete-message', '--queue-url', url, '--receipt-handle', 'garbage']), 'ReceiptHandleIsInvalid', 'DeleteMessage', /garbage/);
    assert.deepEqual(await counts(url), { visible: 0, inFlight: 0, delayed: 0 }, 'refused sends stored nothing');
  });
});

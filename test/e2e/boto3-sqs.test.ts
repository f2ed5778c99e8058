// SQS and SQS event source mappings end to end through boto3 (Python) against a spawned `lambkin start`:
// test/e2e/boto3_sqs_flow.py runs each flow and reports what it saw; this file checks it.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { awsToolEnv } from '../helpers/aws-cli.js';
import { tempDir, uniqueName } from '../helpers/server.js';
import { killAllSpawned, REPO_ROOT, spawnLambkin, stopLambkin, type SpawnedLambkin } from '../helpers/spawned-lambkin.js';

/** The interpreter with boto3: LAMBKIN_PYTHON (set by .ci/run when it had to install boto3 elsewhere) or python3. */
const PYTHON = process.env.LAMBKIN_PYTHON || 'python3';
const FLOW = path.join(REPO_ROOT, 'test/e2e/boto3_sqs_flow.py');
const ACCOUNT = '000000000000';

const boto3Check = spawnSync(PYTHON, ['-c', 'import boto3'], { encoding: 'utf8' });
const haveBoto3 = boto3Check.status === 0;
// Locally a machine without boto3 skips this file; in CI (where .ci/run installs boto3) its absence is a failure.
const skip = !haveBoto3 && !process.env.CI ? `boto3 is not importable by ${PYTHON}` : false;

const scratch = tempDir('lambkin-e2e-boto3-sqs-');

after(async () => {
  await killAllSpawned();
  fs.rmSync(scratch, { recursive: true, force: true });
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe('boto3: SQS and event source mappings against `lambkin start`', { skip }, () => {
  let server: SpawnedLambkin;
  before(async () => {
    server = await spawnLambkin(path.join(scratch, 'data'));
  });
  after(async () => {
    if (server) await stopLambkin(server);
  });

  function runFlow(flow: 'core' | 'fifo' | 'esm', prefix: string): Promise<any> {
    assert.ok(haveBoto3, `boto3 is not importable by ${PYTHON}: ${boto3Check.stderr}`);
    return new Promise((resolve, reject) => {
      execFile(PYTHON, [FLOW, server.url, prefix, flow], {
        env: awsToolEnv(scratch), timeout: 180_000, killSignal: 'SIGKILL', encoding: 'utf8', maxBuffer: 16 * 1024 * 1024,
      }, (err, stdout, stderr) => {
        if (err) reject(new Error(`${path.basename(FLOW)} ${flow} failed (${err.code ?? err.signal}):\n${stderr}${stdout}`));
        else resolve(JSON.parse(stdout));
      });
    });
  }

  test('queues and messages: create, list (and paginate), attributes, send/receive with MD5s, batches, visibility, delay, purge, tags, errors, delete', async () => {
    const prefix = uniqueName('boto3-sqs');
    const o = await runFlow('core', prefix);
    const url = `${server.url}/${ACCOUNT}/${prefix}-core`;
    const url2 = `${server.url}/${ACCOUNT}/${prefix}-core2`;

    assert.deepEqual(o.create, { url, getUrl: url });
    assert.deepEqual(o.list, [url, url2]);
    assert.deepEqual(o.listPaged, { pages: 2, urls: [url, url2] });
    assert.equal(o.attributes.QueueArn, `arn:aws:sqs:us-east-1:${ACCOUNT}:${prefix}-core`);
    assert.equal(o.attributes.VisibilityTimeout, '40');
    assert.equal(o.attributes.ApproximateNumberOfMessages, '0');

    const s = o.send;
    assert.match(s.sent.MessageId, UUID);
    assert.equal(s.sent.MD5OfMessageBody, s.expectedBodyMd5);
    assert.equal(s.sent.MD5OfMessageAttributes, s.expectedAttributesMd5);
    assert.equal(s.receivedCount, 1);
    assert.equal(s.received.MessageId, s.sent.MessageId);
    assert.equal(s.received.Body, 'boto3 says héllo ✓');
    assert.equal(s.received.MD5OfBody, s.expectedBodyMd5);
    assert.equal(s.received.MD5OfMessageAttributes, s.expectedAttributesMd5);
    assert.equal(s.receivedAttributesMd5, s.expectedAttributesMd5, 'the received attributes hash to what was sent');
    assert.equal(s.blobRoundTrip, true);
    assert.deepEqual(s.received.MessageAttributes.colour, { StringValue: 'green', DataType: 'String' });
    assert.deepEqual(s.received.MessageAttributes.n, { StringValue: '3.5', DataType: 'Number' });
    assert.equal(s.received.Attributes.ApproximateReceiveCount, '1');
    assert.equal(s.received.Attributes.SenderId, 'test');
    assert.match(s.received.Attributes.SentTimestamp, /^\d{13}$/);
    assert.deepEqual(s.countsInFlight, { visible: 0, inFlight: 1, delayed: 0 });

    assert.deepEqual(o.visibility, { sameId: true, attributes: { ApproximateReceiveCount: '2' }, after: { visible: 0, inFlight: 0, delayed: 0 } });

    const ids = [...Array(10).keys()].map((i) => `b${i}`);
    assert.deepEqual(o.batch.successfulIds, ids);
    assert.deepEqual(o.batch.failed, []);
    assert.equal(o.batch.md5sMatch, true);
    assert.deepEqual(o.batch.receivedBodies, ids.map((id) => `batch-${id.slice(1)}`).sort());
    assert.equal(o.batch.receivedMd5sMatch, true);
    assert.equal(o.batch.sentIdsMatch, true);
    assert.equal(o.batch.deletedCount, 10);
    assert.deepEqual(o.batch.after, { visible: 0, inFlight: 0, delayed: 0 });

    assert.deepEqual(o.delay.counts, { visible: 0, inFlight: 0, delayed: 1 });
    assert.equal(o.delay.body, 'delayed');
    assert.ok(o.delay.waitedS >= 1, `the 2 s delayed message arrived after ${o.delay.waitedS} s`);

    assert.deepEqual(o.purge.after, { visible: 0, inFlight: 0, delayed: 0 });
    assert.deepEqual(o.purge.again, {
      code: 'AWS.SimpleQueueService.PurgeQueueInProgress', queryErrorCode: 'PurgeQueueInProgress', status: 403, isModelled: true,
      message: `Only one PurgeQueue operation on ${prefix}-core is allowed every 60 seconds.`,
    });

    assert.deepEqual(o.tags, { afterTag: { team: 'core', stage: 'dev', owner: 'bob' }, afterUntag: { team: 'core', stage: 'dev' } });

    const notFound = { code: 'AWS.SimpleQueueService.NonExistentQueue', queryErrorCode: 'QueueDoesNotExist', status: 400, isModelled: true, message: 'The specified queue does not exist.' };
    assert.deepEqual(o.errors.getUrlMissing, notFound);
    assert.deepEqual(o.errors.sendMissing, notFound);
    assert.deepEqual(o.errors.badAttributeValue, {
      code: 'InvalidAttributeValue', queryErrorCode: 'InvalidAttributeValue', status: 400, isModelled: true, message: 'Invalid value for the parameter MessageRetentionPeriod.',
    });
    assert.deepEqual(o.errors.badAttributeName, {
      code: 'InvalidAttributeName', queryErrorCode: 'InvalidAttributeName', status: 400, isModelled: true, message: 'Unknown Attribute Nope.',
    });
    assert.deepEqual(o.errors.nameExists, {
      code: 'QueueAlreadyExists', queryErrorCode: 'QueueNameExists', status: 400, isModelled: true,
      message: 'A queue already exists with the same name and a different value for attribute VisibilityTimeout',
    });
    assert.equal(o.errors.badReceiptHandle.code, 'ReceiptHandleIsInvalid');
    assert.equal(o.errors.badReceiptHandle.status, 404);
    assert.equal(o.errors.badReceiptHandle.isModelled, true);
    assert.equal(o.errors.emptyBatch.code, 'AWS.SimpleQueueService.EmptyBatchRequest');
    assert.equal(o.errors.emptyBatch.isModelled, true);

    assert.deepEqual(o.delete.getAfter, notFound);
    assert.deepEqual(o.delete.remaining, []);
  });

  test('FIFO: order per MessageGroupId, one in-flight batch per group, content-based and explicit deduplication', async () => {
    const o = await runFlow('fifo', uniqueName('boto3-fifo'));

    const c = o.contentBased;
    const seqs = c.sends.map((x: any) => BigInt(x.seq));
    for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1], `sequence numbers grow: ${c.sends.map((x: any) => x.seq)}`);
    // Sending the same body again within the 5-minute window returns the first send's MessageId and queues nothing.
    assert.equal(c.repeatId, c.sends[0].id);
    assert.equal(c.repeatBatchId, c.sends[1].id);
    assert.deepEqual(c.counts, { visible: 5, inFlight: 0, delayed: 0 });

    const r = o.order;
    assert.equal(r.first.Body, 'a1');
    assert.equal(r.first.Attributes.MessageGroupId, 'A');
    assert.equal(r.first.Attributes.MessageDeduplicationId, createHash('sha256').update('a1').digest('hex'));
    assert.equal(r.first.Attributes.SequenceNumber, c.sends[0].seq);
    assert.equal(r.second.Body, 'b1', 'group A is held back while a1 is in flight');
    assert.deepEqual(r.whileBothGroupsInFlight, [], 'both groups have a message in flight');
    const inGroup = (g: string) => r.rest.filter((m: any) => m.group === g).map((m: any) => m.body);
    assert.deepEqual(inGroup('A'), ['a2', 'a3']);
    assert.deepEqual(inGroup('B'), ['b2']);
    assert.deepEqual(r.after, { visible: 0, inFlight: 0, delayed: 0 });

    const e = o.explicit;
    const [one, two, three, four] = e.ids;
    assert.equal(two, one, 'the same MessageDeduplicationId within 5 minutes: the first MessageId, nothing queued');
    assert.equal(four, one, 'still deduplicated after the message was deleted');
    assert.notEqual(three, one, 'the same body with another MessageDeduplicationId is a new message');
    assert.equal(e.seqs[1], e.seqs[0]);
    assert.deepEqual(e.received, [
      { body: 'first body', dedupId: 'dedup-1', id: one },
      { body: 'first body', dedupId: 'dedup-2', id: three },
    ]);
    assert.deepEqual(e.after, { visible: 0, inFlight: 0, delayed: 0 });
    assert.equal(e.noDedupId.code, 'InvalidParameterValue');
    assert.match(e.noDedupId.message, /The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly/);
    assert.equal(e.noGroupId.code, 'MissingParameter');
    assert.match(e.noGroupId.message, /MessageGroupId/);
  });

  test('pull model: create_event_source_mapping, wait Enabled, the function gets AWS\'s SQS records, the queue drains, disable, delete', async () => {
    const prefix = uniqueName('boto3-esm');
    const o = await runFlow('esm', prefix);
    const sourceArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:${prefix}-src`;
    const fnArn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${prefix}-fn`;

    assert.equal(o.visibilityRule.code, 'InvalidParameterValueException');
    assert.equal(o.visibilityRule.status, 400);
    assert.equal(o.visibilityRule.message, 'Queue visibility timeout: 5 seconds is less than Function timeout: 10 seconds');

    assert.equal(o.create.status, 202);
    assert.match(o.create.UUID, UUID);
    assert.equal(o.create.State, 'Creating');
    assert.equal(o.create.BatchSize, 5);
    assert.equal(o.create.EventSourceArn, sourceArn);
    assert.equal(o.create.FunctionArn, fnArn);
    assert.equal(o.create.MaximumBatchingWindowInSeconds, 0);
    assert.deepEqual(o.enabled, { state: 'Enabled', batchSize: 5 });
    assert.deepEqual(o.listed, [o.create.UUID]);

    const d = o.delivery;
    assert.equal(d.records.length, 3);
    assert.deepEqual(d.functionNames, [`${prefix}-fn`]);
    assert.ok(d.batchSizes.every((n: number) => n >= 1 && n <= 5), `batch sizes ${d.batchSizes}`);
    const sentById = new Map<string, string>(d.sent.map((s: any) => [s.id, s.body]));
    assert.deepEqual([...d.records.map((r: any) => r.messageId)].sort(), [...sentById.keys()].sort(), 'each message delivered once');
    for (const r of d.records) {
      assert.deepEqual(Object.keys(r), [
        'messageId', 'receiptHandle', 'body', 'attributes', 'messageAttributes', 'md5OfMessageAttributes', 'md5OfBody', 'eventSource',
        'eventSourceARN', 'awsRegion',
      ]);
      assert.equal(r.body, sentById.get(r.messageId));
      assert.equal(r.md5OfBody, md5(r.body));
      assert.equal(r.md5OfBody, d.expectedBodyMd5s[r.body]);
      assert.equal(r.md5OfMessageAttributes, d.expectedAttributesMd5);
      assert.deepEqual(r.messageAttributes, { kind: { stringValue: 'job', stringListValues: [], binaryListValues: [], dataType: 'String' } });
      assert.equal(r.eventSource, 'aws:sqs');
      assert.equal(r.eventSourceARN, sourceArn);
      assert.equal(r.awsRegion, 'us-east-1');
      assert.equal(typeof r.receiptHandle, 'string');
      assert.equal(r.attributes.ApproximateReceiveCount, '1');
      assert.equal(r.attributes.SenderId, 'test');
      assert.match(r.attributes.SentTimestamp, /^\d{13}$/);
      assert.match(r.attributes.ApproximateFirstReceiveTimestamp, /^\d{13}$/);
    }
    assert.deepEqual(o.drained, { visible: 0, inFlight: 0, delayed: 0 });
    assert.equal(o.lastProcessingResult, 'OK');

    assert.equal(o.disable.updateState, 'Disabling');
    assert.equal(o.disable.state, 'Disabled');
    assert.deepEqual({ body: o.disable.body, receiveCount: o.disable.receiveCount }, { body: 'while disabled', receiveCount: '1' });

    assert.equal(o.delete.state, 'Deleting');
    assert.equal(o.delete.status, 202);
    assert.equal(o.delete.getAfter.code, 'ResourceNotFoundException');
    assert.equal(o.delete.getAfter.status, 404);
    assert.deepEqual(o.delete.listAfter, []);
  });
});

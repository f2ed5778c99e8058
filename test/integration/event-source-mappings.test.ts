// The event source mapping API (lambda-api.md §5, event-sources.md §1) through the real SDK clients: shapes and
// defaults, every validation error with AWS's code, status and message, the state transitions, listing and paging,
// and mappings that survive a restart.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  CreateEventSourceMappingCommand, DeleteEventSourceMappingCommand, GetEventSourceMappingCommand, ListEventSourceMappingsCommand,
  paginateListEventSourceMappings, UpdateEventSourceMappingCommand,
  type CreateEventSourceMappingCommandInput, type EventSourceMappingConfiguration, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startServer, TEST_CREDENTIALS, tempDir, uniqueName, waitFor } from '../helpers/server.js';
import { deploy, type DeployOptions } from '../helpers/functions.js';
import { expectAwsError, type ExpectedAwsError } from '../helpers/aws-errors.js';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const fnArn = (name: string, qualifier?: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NOT_FOUND: ExpectedAwsError = { name: 'ResourceNotFoundException', status: 404, message: 'The resource you requested does not exist.' };
const NO_QUEUE =
  'Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist or you do not have access to it.';
const SETTLED = new Set(['Enabled', 'Disabled']);

type Server = Awaited<ReturnType<typeof startServer>>;

const sqsClient = (endpoint: string) => new SQSClient({ endpoint, region: REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 });

async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string> = {}): Promise<{ url: string; arn: string }> {
  const fifo = name.endsWith('.fifo') ? { FifoQueue: 'true', ContentBasedDeduplication: 'true' } : {};
  const out = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { ...fifo, ...attributes } }));
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: out.QueueUrl!, AttributeNames: ['QueueArn'] }));
  return { url: out.QueueUrl!, arn: attrs.Attributes!.QueueArn! };
}

const NOOP = { 'index.js': 'exports.handler = async () => ({});\n' };

const getMapping = (lambda: LambdaClient, uuid: string) => lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
type GotMapping = Awaited<ReturnType<typeof getMapping>>;

/** Polls GetEventSourceMapping until the mapping is Enabled or Disabled; returns that configuration. */
async function settled(lambda: LambdaClient, uuid: string): Promise<GotMapping> {
  const m = await waitFor(`mapping ${uuid} to settle`, async () => {
    const got = await getMapping(lambda, uuid);
    return SETTLED.has(got.State!) ? got : undefined;
  });
  return m!;
}

async function listAll(lambda: LambdaClient, filter: { FunctionName?: string; EventSourceArn?: string } = {}): Promise<EventSourceMappingConfiguration[]> {
  const all: EventSourceMappingConfiguration[] = [];
  for await (const page of paginateListEventSourceMappings({ client: lambda }, filter)) all.push(...(page.EventSourceMappings ?? []));
  return all;
}

describe('event source mapping API', () => {
  let srv: Server;
  let lambda: LambdaClient;
  let sqs: SQSClient;
  before(async () => {
    srv = await startServer();
    lambda = srv.lambda;
    sqs = sqsClient(srv.url);
  });
  after(async () => {
    sqs?.destroy();
    await srv?.close();
  });

  /** A fresh function and standard queue (or FIFO with `fifo`), not yet mapped. */
  async function pair(opts: { fifo?: boolean; queueAttributes?: Record<string, string>; fn?: DeployOptions } = {}) {
    const base = uniqueName('esm');
    const queue = await createQueue(sqs, opts.fifo ? `${base}.fifo` : base, opts.queueAttributes);
    const fn = await deploy(lambda, NOOP, opts.fn);
    return { queue, fn };
  }

  async function mapped(opts: { fifo?: boolean; mapping?: Partial<CreateEventSourceMappingCommandInput> } = {}) {
    const { queue, fn } = await pair(opts);
    const created = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: queue.arn, ...opts.mapping }));
    const settledTo = await settled(lambda, created.UUID!);
    return { queue, fn, uuid: created.UUID!, created, settled: settledTo };
  }

  test('create answers 202 in state Creating with AWS\'s members and SQS defaults, and the mapping becomes Enabled', async () => {
    const { queue, fn } = await pair();
    const before = Date.now();
    const created = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: queue.arn }));
    assert.equal(created.$metadata.httpStatusCode, 202);
    const { $metadata: _m, ...shape } = created;
    assert.match(shape.UUID!, UUID_RE);
    assert.ok(shape.LastModified instanceof Date);
    assert.ok(shape.LastModified.getTime() >= before - 1 && shape.LastModified.getTime() <= Date.now(), `LastModified ${shape.LastModified.toISOString()}`);
    assert.deepEqual({ ...shape, LastModified: undefined }, {
      UUID: shape.UUID,
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 0,
      EventSourceArn: queue.arn,
      FunctionArn: fnArn(fn),
      LastModified: undefined,
      LastProcessingResult: 'No records processed',
      State: 'Creating',
      StateTransitionReason: 'USER_INITIATED',
      FunctionResponseTypes: [],
      EventSourceMappingArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:event-source-mapping:${shape.UUID}`,
    });

    const got = await settled(lambda, created.UUID!);
    assert.equal(got.State, 'Enabled');
    assert.equal(got.$metadata.httpStatusCode, 200);
    assert.equal(got.BatchSize, 10);
    assert.equal(got.FunctionArn, fnArn(fn));
    assert.equal(got.StateTransitionReason, 'USER_INITIATED');
  });

  test('on the wire: member order, LastModified as epoch seconds with milliseconds, optional members absent, trailing-slash paths', async () => {
    const { queue, fn } = await pair();
    // Older models (botocore 1.34) post to `/event-source-mappings/`; unsigned requests act for the default account.
    const res = await fetch(`${srv.url}/2015-03-31/event-source-mappings/`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ FunctionName: fn, EventSourceArn: queue.arn, BatchSize: 3 }),
    });
    assert.equal(res.status, 202);
    assert.equal(res.headers.get('content-type'), 'application/json');
    const body = await res.json() as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), [
      'UUID', 'BatchSize', 'MaximumBatchingWindowInSeconds', 'EventSourceArn', 'FunctionArn', 'LastModified', 'LastProcessingResult', 'State',
      'StateTransitionReason', 'FunctionResponseTypes', 'EventSourceMappingArn',
    ]);
    assert.equal(typeof body.LastModified, 'number');
    const ms = (body.LastModified as number) * 1000;
    assert.ok(Math.abs(ms - Math.round(ms)) < 1e-3 && Math.abs(ms - Date.now()) < 60_000, `LastModified ${body.LastModified}`);

    const got = await fetch(`${srv.url}/2015-03-31/event-source-mappings/${body.UUID}/`);
    assert.equal(got.status, 200);
    assert.equal((await got.json() as Record<string, unknown>).UUID, body.UUID);
    const listed = await fetch(`${srv.url}/2015-03-31/event-source-mappings/?FunctionName=${fn}`);
    assert.equal(listed.status, 200);
    assert.deepEqual(((await listed.json()) as { EventSourceMappings: { UUID: string }[] }).EventSourceMappings.map((m) => m.UUID), [body.UUID]);
  });

  test('every SQS setting is kept and shown; Enabled false creates a Disabled mapping', async () => {
    const { queue, fn } = await pair();
    const pattern = JSON.stringify({ body: { kind: ['order'] } });
    const created = await lambda.send(new CreateEventSourceMappingCommand({
      FunctionName: fn, EventSourceArn: queue.arn, Enabled: false, BatchSize: 500, MaximumBatchingWindowInSeconds: 30,
      FilterCriteria: { Filters: [{ Pattern: pattern }] }, FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 7 }, Tags: { team: 'blue' },
    }));
    assert.equal(created.State, 'Creating');
    const got = await settled(lambda, created.UUID!);
    assert.equal(got.State, 'Disabled');
    assert.equal(got.BatchSize, 500);
    assert.equal(got.MaximumBatchingWindowInSeconds, 30);
    assert.deepEqual(got.FilterCriteria, { Filters: [{ Pattern: pattern }] });
    assert.deepEqual(got.FunctionResponseTypes, ['ReportBatchItemFailures']);
    assert.deepEqual(got.ScalingConfig, { MaximumConcurrency: 7 });
    assert.equal((got as unknown as Record<string, unknown>).Tags, undefined, 'Tags are not part of EventSourceMappingConfiguration');
  });

  test('FunctionName may be a full or partial ARN, and qualified; FunctionArn shows the qualifier', async () => {
    const { queue, fn } = await pair();
    const byArn = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fnArn(fn), EventSourceArn: queue.arn }));
    assert.equal(byArn.FunctionArn, fnArn(fn));
    const other = await createQueue(sqs, uniqueName('esm-q2'));
    const partial = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: `${ACCOUNT}:function:${fn}`, EventSourceArn: other.arn }));
    assert.equal(partial.FunctionArn, fnArn(fn));
    const third = await createQueue(sqs, uniqueName('esm-q3'));
    const qualified = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: `${fn}:$LATEST`, EventSourceArn: third.arn }));
    assert.equal(qualified.FunctionArn, fnArn(fn, '$LATEST'));
    assert.equal((await settled(lambda, qualified.UUID!)).FunctionArn, fnArn(fn, '$LATEST'));
  });

  describe('create is refused with AWS\'s error, and nothing is created', () => {
    const cases: { title: string; input: (q: { arn: string; fifoArn: string }, fn: string) => Partial<CreateEventSourceMappingCommandInput>; want: ExpectedAwsError; fn?: DeployOptions; queueAttributes?: Record<string, string> }[] = [
      {
        title: 'BatchSize 0', input: () => ({ BatchSize: 0 }),
        want: { name: 'ValidationException', status: 400, message: "1 validation error detected: Value '0' at 'batchSize' failed to satisfy constraint: Member must have value greater than or equal to 1" },
      },
      {
        title: 'BatchSize 10001', input: () => ({ BatchSize: 10001, MaximumBatchingWindowInSeconds: 1 }),
        want: { name: 'ValidationException', status: 400, message: "1 validation error detected: Value '10001' at 'batchSize' failed to satisfy constraint: Member must have value less than or equal to 10000" },
      },
      {
        title: 'a batching window over 300 s and a MaximumConcurrency under 2 (both reported)',
        input: () => ({ MaximumBatchingWindowInSeconds: 301, ScalingConfig: { MaximumConcurrency: 1 } }),
        want: {
          name: 'ValidationException', status: 400,
          message: "2 validation errors detected: Value '301' at 'maximumBatchingWindowInSeconds' failed to satisfy constraint: Member must have value less than or equal to 300; " +
            "Value '1' at 'scalingConfig.maximumConcurrency' failed to satisfy constraint: Member must have value greater than or equal to 2",
        },
      },
      {
        title: 'an unknown FunctionResponseTypes value', input: () => ({ FunctionResponseTypes: ['Everything' as 'ReportBatchItemFailures'] }),
        want: { name: 'ValidationException', status: 400, message: "1 validation error detected: Value 'Everything' at 'functionResponseTypes' failed to satisfy constraint: Member must satisfy enum value set: [ReportBatchItemFailures]" },
      },
      {
        title: 'BatchSize over 10 without a batching window', input: () => ({ BatchSize: 11 }),
        want: { name: 'InvalidParameterValueException', status: 400, message: 'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10' },
      },
      {
        title: 'a batching window on a FIFO queue', input: (q) => ({ EventSourceArn: q.fifoArn, MaximumBatchingWindowInSeconds: 1 }),
        want: { name: 'InvalidParameterValueException', status: 400, message: 'Batching window is not supported for FIFO queues' },
      },
      {
        title: 'BatchSize over 10 on a FIFO queue', input: (q) => ({ EventSourceArn: q.fifoArn, BatchSize: 11 }),
        want: { name: 'InvalidParameterValueException', status: 400, message: 'Maximum batch size must be between 1 and 10 inclusive' },
      },
      {
        title: 'StartingPosition (a stream setting)', input: () => ({ StartingPosition: 'LATEST' }),
        want: { name: 'InvalidParameterValueException', status: 400, message: 'StartingPosition is not valid for SQS event sources.' },
      },
      {
        title: 'a StartingPosition outside the enum', input: () => ({ StartingPosition: 'NOW' as 'LATEST' }),
        want: { name: 'ValidationException', status: 400, message: "1 validation error detected: Value 'NOW' at 'startingPosition' failed to satisfy constraint: Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, TRIM_HORIZON]" },
      },
      {
        title: 'ParallelizationFactor (a stream setting)', input: () => ({ ParallelizationFactor: 2 }),
        want: { name: 'InvalidParameterValueException', status: 400, message: 'Unsupported ParallelizationFactor parameter for given event source mapping type.' },
      },
      {
        title: 'a filter pattern that is not an event pattern', input: () => ({ FilterCriteria: { Filters: [{ Pattern: '{"body": "order"}' }] } }),
        want: { name: 'InvalidParameterValueException', status: 400, message: /^Invalid filter pattern definition\./ },
      },
      {
        title: 'a filter pattern that is not JSON', input: () => ({ FilterCriteria: { Filters: [{ Pattern: '{body' }] } }),
        want: { name: 'InvalidParameterValueException', status: 400, message: /^Invalid filter pattern definition\./ },
      },
      {
        title: 'a missing function', input: () => ({ FunctionName: 'esm-no-such-function' }),
        want: { name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${fnArn('esm-no-such-function')}` },
      },
      {
        title: 'a qualifier that names no version or alias', input: (_q, fn) => ({ FunctionName: `${fn}:live` }),
        want: { name: 'ResourceNotFoundException', status: 404, message: /^Function not found: arn:aws:lambda:us-east-1:000000000000:function:[^:]+:live$/ },
      },
      {
        title: 'a function name that breaks the pattern', input: () => ({ FunctionName: 'bad name' }),
        want: { name: 'ValidationException', status: 400, message: /^1 validation error detected: Value 'bad name' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: / },
      },
      {
        title: 'no EventSourceArn', input: () => ({ EventSourceArn: undefined }),
        want: { name: 'InvalidParameterValueException', status: 400, message: 'Unrecognized event source, must be kafka or specify an EventSourceArn' },
      },
      {
        title: 'a queue that does not exist', input: () => ({ EventSourceArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:esm-no-such-queue` }),
        want: { name: 'InvalidParameterValueException', status: 400, message: NO_QUEUE },
      },
      {
        title: 'an existing queue named with another region', input: (q) => ({ EventSourceArn: q.arn.replace(`:${REGION}:`, ':eu-west-1:') }),
        want: { name: 'InvalidParameterValueException', status: 400, message: NO_QUEUE },
      },
      {
        title: 'an event source that is not an SQS queue', input: () => ({ EventSourceArn: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/s` }),
        want: { name: 'InvalidParameterValueException', status: 400, message: `lambkin supports only Amazon SQS queues as event sources, and arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/s is not an SQS queue ARN.` },
      },
      {
        title: 'a queue whose visibility timeout is shorter than the function timeout', input: () => ({}),
        fn: { timeout: 10 }, queueAttributes: { VisibilityTimeout: '5' },
        want: { name: 'InvalidParameterValueException', status: 400, message: 'Queue visibility timeout: 5 seconds is less than Function timeout: 10 seconds' },
      },
    ];
    for (const c of cases) {
      test(c.title, async () => {
        const { queue, fn } = await pair({ fn: c.fn, queueAttributes: c.queueAttributes });
        const fifo = await createQueue(sqs, `${uniqueName('esm')}.fifo`);
        const input = { FunctionName: fn, EventSourceArn: queue.arn, ...c.input({ arn: queue.arn, fifoArn: fifo.arn }, fn) };
        await expectAwsError(lambda.send(new CreateEventSourceMappingCommand(input as CreateEventSourceMappingCommandInput)), c.want);
        assert.deepEqual(await listAll(lambda, { FunctionName: fn }), [], 'no mapping was created');
      });
    }
  });

  test('a second mapping between the same queue and function is a 409 naming the first', async () => {
    const { queue, fn, uuid } = await mapped();
    const want = {
      name: 'ResourceConflictException', status: 409,
      message: `An event source mapping with SQS arn (" ${queue.arn} ") and function (" ${fn} ") already exists. Please update or delete the existing mapping with UUID ${uuid}`,
    };
    await expectAwsError(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: queue.arn, BatchSize: 1 })), want);
    await expectAwsError(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fnArn(fn), EventSourceArn: queue.arn })), want);
    assert.deepEqual((await listAll(lambda, { FunctionName: fn })).map((m) => m.UUID), [uuid]);
  });

  test('two creates of the same link at once: one is accepted, the other is a 409', async () => {
    const { queue, fn } = await pair();
    const results = await Promise.allSettled([1, 2, 3].map((n) =>
      lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: queue.arn, BatchSize: n }))));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'ResourceConflictException');
    assert.equal((await listAll(lambda, { EventSourceArn: queue.arn })).length, 1);
  });

  test('Enabled false goes Disabling then Disabled, and true goes Enabling then Enabled; LastModified moves on', async () => {
    const { uuid, settled: first } = await mapped();
    const off = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
    assert.equal(off.$metadata.httpStatusCode, 202);
    assert.equal(off.State, 'Disabling');
    assert.equal(off.StateTransitionReason, 'USER_INITIATED');
    assert.ok(off.LastModified!.getTime() >= first.LastModified!.getTime());
    assert.equal((await settled(lambda, uuid)).State, 'Disabled');
    const on = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }));
    assert.equal(on.State, 'Enabling');
    assert.equal((await settled(lambda, uuid)).State, 'Enabled');
  });

  test('updating other settings goes through Updating back to the state it had; omitted members stay', async () => {
    const pattern = JSON.stringify({ body: { kind: ['a'] } });
    const { uuid } = await mapped({ mapping: { Enabled: false, FunctionResponseTypes: ['ReportBatchItemFailures'], FilterCriteria: { Filters: [{ Pattern: pattern }] } } });
    const up = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 20, MaximumBatchingWindowInSeconds: 2, ScalingConfig: { MaximumConcurrency: 3 } }));
    assert.equal(up.State, 'Updating');
    assert.equal(up.BatchSize, 20);
    const got = await settled(lambda, uuid);
    assert.equal(got.State, 'Disabled', 'back to Disabled, not Enabled');
    assert.equal(got.BatchSize, 20);
    assert.equal(got.MaximumBatchingWindowInSeconds, 2);
    assert.deepEqual(got.ScalingConfig, { MaximumConcurrency: 3 });
    assert.deepEqual(got.FunctionResponseTypes, ['ReportBatchItemFailures']);
    assert.deepEqual(got.FilterCriteria, { Filters: [{ Pattern: pattern }] });
  });

  test('FilterCriteria {} or {"Filters":[]}, ScalingConfig {} and FunctionResponseTypes [] clear those settings', async () => {
    const pattern = JSON.stringify({ body: { kind: ['a'] } });
    const full = { FilterCriteria: { Filters: [{ Pattern: pattern }] }, ScalingConfig: { MaximumConcurrency: 4 }, FunctionResponseTypes: ['ReportBatchItemFailures' as const] };
    const { uuid } = await mapped({ mapping: full });
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, FilterCriteria: {}, ScalingConfig: {}, FunctionResponseTypes: [] }));
    let got = await settled(lambda, uuid);
    assert.equal(got.FilterCriteria, undefined);
    assert.equal(got.ScalingConfig, undefined);
    assert.deepEqual(got.FunctionResponseTypes, []);

    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, ...full }));
    got = await settled(lambda, uuid);
    assert.deepEqual(got.FilterCriteria, full.FilterCriteria);
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, FilterCriteria: { Filters: [] } }));
    got = await settled(lambda, uuid);
    assert.equal(got.FilterCriteria, undefined);
    assert.deepEqual(got.ScalingConfig, { MaximumConcurrency: 4 }, 'a member not sent stays');
  });

  test('FunctionName on update points the mapping at another function, which must exist and not be mapped to the queue already', async () => {
    const { queue, uuid } = await mapped();
    const other = await deploy(lambda, NOOP);
    const moved = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, FunctionName: fnArn(other) }));
    assert.equal(moved.FunctionArn, fnArn(other));
    assert.equal((await settled(lambda, uuid)).FunctionArn, fnArn(other));
    await expectAwsError(lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, FunctionName: 'esm-gone' })),
      { name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${fnArn('esm-gone')}` });

    const third = await deploy(lambda, NOOP);
    const second = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: third, EventSourceArn: queue.arn }));
    await settled(lambda, second.UUID!);
    await expectAwsError(lambda.send(new UpdateEventSourceMappingCommand({ UUID: second.UUID!, FunctionName: other })), {
      name: 'ResourceConflictException', status: 409,
      message: `An event source mapping with SQS arn (" ${queue.arn} ") and function (" ${other} ") already exists. Please update or delete the existing mapping with UUID ${uuid}`,
    });
    assert.equal((await getMapping(lambda, second.UUID!)).FunctionArn, fnArn(third), 'unchanged');
  });

  test('update checks the queue rules against the merged settings, and a refused update changes nothing', async () => {
    const { uuid } = await mapped({ mapping: { BatchSize: 50, MaximumBatchingWindowInSeconds: 5 } });
    await expectAwsError(lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, MaximumBatchingWindowInSeconds: 0 })), {
      name: 'InvalidParameterValueException', status: 400, message: 'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10',
    });
    await expectAwsError(lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 0 })), {
      name: 'ValidationException', status: 400, message: "1 validation error detected: Value '0' at 'batchSize' failed to satisfy constraint: Member must have value greater than or equal to 1",
    });
    const fifo = await mapped({ fifo: true, mapping: { BatchSize: 10 } });
    await expectAwsError(lambda.send(new UpdateEventSourceMappingCommand({ UUID: fifo.uuid, MaximumBatchingWindowInSeconds: 1 })), {
      name: 'InvalidParameterValueException', status: 400, message: 'Batching window is not supported for FIFO queues',
    });
    const got = await getMapping(lambda, uuid);
    assert.equal(got.State, 'Enabled');
    assert.equal(got.BatchSize, 50);
    assert.equal(got.MaximumBatchingWindowInSeconds, 5);
    assert.equal((await getMapping(lambda, fifo.uuid)).MaximumBatchingWindowInSeconds, 0);
  });

  test('delete answers 202 in state Deleting, then the mapping is gone', async () => {
    const { uuid, fn } = await mapped({ mapping: { BatchSize: 4 } });
    const del = await lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
    assert.equal(del.$metadata.httpStatusCode, 202);
    assert.equal(del.State, 'Deleting');
    assert.equal(del.UUID, uuid);
    assert.equal(del.BatchSize, 4);
    await waitFor('the mapping to be gone', async () => {
      try {
        await getMapping(lambda, uuid);
        return false;
      } catch (err) {
        return (err as Error).name === 'ResourceNotFoundException';
      }
    });
    await expectAwsError(getMapping(lambda, uuid), NOT_FOUND);
    await expectAwsError(lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid })), NOT_FOUND);
    assert.deepEqual(await listAll(lambda, { FunctionName: fn }), []);
  });

  test('an unknown UUID, well-formed or not, is a 404 for get, update and delete', async () => {
    for (const uuid of ['3f2b7c1e-0000-4000-8000-000000000000', 'fake-uuid']) {
      await expectAwsError(getMapping(lambda, uuid), NOT_FOUND);
      await expectAwsError(lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 5 })), NOT_FOUND);
      await expectAwsError(lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid })), NOT_FOUND);
    }
  });

  test('list filters by EventSourceArn and by FunctionName (name, ARN or qualified), alone or together', async () => {
    const fnA = await deploy(lambda, NOOP);
    const fnB = await deploy(lambda, NOOP);
    const q1 = await createQueue(sqs, uniqueName('esm-l1'));
    const q2 = await createQueue(sqs, uniqueName('esm-l2'));
    const make = async (FunctionName: string, EventSourceArn: string) =>
      (await lambda.send(new CreateEventSourceMappingCommand({ FunctionName, EventSourceArn }))).UUID!;
    const a1 = await make(fnA, q1.arn);
    const a2 = await make(`${fnA}:$LATEST`, q2.arn);
    const b1 = await make(fnB, q1.arn);
    const uuids = async (filter: { FunctionName?: string; EventSourceArn?: string }) => (await listAll(lambda, filter)).map((m) => m.UUID).sort();

    assert.deepEqual(await uuids({ EventSourceArn: q1.arn }), [a1, b1].sort());
    assert.deepEqual(await uuids({ FunctionName: fnA }), [a1, a2].sort(), 'the unqualified name lists the qualified mapping too');
    assert.deepEqual(await uuids({ FunctionName: fnArn(fnA) }), [a1, a2].sort());
    assert.deepEqual(await uuids({ FunctionName: `${fnA}:$LATEST` }), [a2]);
    assert.deepEqual(await uuids({ FunctionName: fnA, EventSourceArn: q1.arn }), [a1]);
    assert.deepEqual(await uuids({ FunctionName: fnB, EventSourceArn: q2.arn }), []);
    const everything = await uuids({});
    for (const u of [a1, a2, b1]) assert.ok(everything.includes(u));
    const one = (await listAll(lambda, { FunctionName: fnB }))[0]!;
    assert.equal(one.FunctionArn, fnArn(fnB));
    assert.equal(one.EventSourceArn, q1.arn);
  });

  test('list of a function that does not exist is empty, not an error', async () => {
    const out = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'esm-never-created' }));
    assert.deepEqual(out.EventSourceMappings, []);
    assert.equal(out.NextMarker, undefined);
  });

  test('list pages with MaxItems and Marker without repeats or gaps; MaxItems outside 1–10000 is refused', async () => {
    const fn = await deploy(lambda, NOOP);
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const q = await createQueue(sqs, uniqueName('esm-p'));
      made.push((await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: q.arn }))).UUID!);
    }
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const out = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: fn, MaxItems: 2, ...(marker ? { Marker: marker } : {}) }));
      assert.ok(out.EventSourceMappings!.length <= 2);
      seen.push(...out.EventSourceMappings!.map((m) => m.UUID!));
      marker = out.NextMarker;
      pages++;
    } while (marker && pages < 10);
    assert.equal(pages, 3);
    assert.deepEqual([...seen].sort(), [...made].sort());
    assert.equal(new Set(seen).size, 5);

    for (const bad of [0, 10001]) {
      await expectAwsError(lambda.send(new ListEventSourceMappingsCommand({ MaxItems: bad })), {
        name: 'ValidationException', status: 400,
        message: `1 validation error detected: Value '${bad}' at 'maxItems' failed to satisfy constraint: Member must have value ${bad === 0 ? 'greater than or equal to 1' : 'less than or equal to 10000'}`,
      });
    }
  });

  test('update and delete while the mapping is Disabling are refused with ResourceInUseException', async () => {
    // Disabling lasts until the batch in flight is finished: a slow function holds the mapping in that state.
    const slow = { 'index.js': 'exports.handler = async () => { await new Promise((r) => setTimeout(r, 3000)); return {}; };\n' };
    const { queue } = await pair();
    const fn = await deploy(lambda, slow, { timeout: 10 });
    const created = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: queue.arn }));
    const uuid = created.UUID!;
    await settled(lambda, uuid);
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'hold' }));
    await waitFor('the message to be in flight', async () => {
      const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }));
      return a.Attributes!.ApproximateNumberOfMessagesNotVisible === '1';
    });
    const off = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
    assert.equal(off.State, 'Disabling');
    const inUse = { name: 'ResourceInUseException', status: 400, message: /^Cannot (update|delete) the event source mapping because it is in use\./ };
    await expectAwsError(lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 2 })), inUse);
    await expectAwsError(lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid })), inUse);
    const done = await settled(lambda, uuid);
    assert.equal(done.State, 'Disabled');
    assert.equal(done.BatchSize, 10, 'the refused update changed nothing');
    assert.equal((await lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }))).State, 'Deleting');
  });
});

describe('event source mappings across a restart', () => {
  test('mappings, their settings and states are there after a restart on the same data dir', async () => {
    const dataDir = tempDir('lambkin-esm-restart-');
    try {
      const first = await startServer({ dataDir });
      const sqs = sqsClient(first.url);
      let enabledUuid: string;
      let disabledUuid: string;
      let queueArn: string;
      let fn: string;
      try {
        const queue = await createQueue(sqs, uniqueName('esm-r'));
        queueArn = queue.arn;
        fn = await deploy(first.lambda, NOOP);
        enabledUuid = (await first.lambda.send(new CreateEventSourceMappingCommand({
          FunctionName: fn, EventSourceArn: queue.arn, BatchSize: 25, MaximumBatchingWindowInSeconds: 3, ScalingConfig: { MaximumConcurrency: 5 },
        }))).UUID!;
        const other = await createQueue(sqs, uniqueName('esm-r2'));
        disabledUuid = (await first.lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: other.arn, Enabled: false }))).UUID!;
        await settled(first.lambda, enabledUuid);
        await settled(first.lambda, disabledUuid);
        // One message through the enabled mapping: its LastProcessingResult must survive the restart too.
        await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'one' }));
        await waitFor('a processed batch', async () =>
          (await first.lambda.send(new GetEventSourceMappingCommand({ UUID: enabledUuid }))).LastProcessingResult === 'OK', 15_000);
      } finally {
        sqs.destroy();
        await first.close();
      }

      const second = await startServer({ dataDir });
      try {
        const got = await settled(second.lambda, enabledUuid);
        assert.equal(got.State, 'Enabled');
        assert.equal(got.LastProcessingResult, 'OK');
        assert.equal(got.BatchSize, 25);
        assert.equal(got.MaximumBatchingWindowInSeconds, 3);
        assert.deepEqual(got.ScalingConfig, { MaximumConcurrency: 5 });
        assert.equal(got.EventSourceArn, queueArn);
        assert.equal(got.FunctionArn, fnArn(fn));
        assert.equal((await settled(second.lambda, disabledUuid)).State, 'Disabled');
        assert.deepEqual((await listAll(second.lambda, { FunctionName: fn })).map((m) => m.UUID).sort(), [enabledUuid, disabledUuid].sort());
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

// The asynchronous-invocation configuration APIs through the real SDK v3 client (lambda-api.md §5):
// Put/Update/Get/Delete/ListFunctionEventInvokeConfigs, Put/Get/DeleteFunctionConcurrency (with GetFunction's
// Concurrency member and the minimum-unreserved rule) and GetAccountSettings.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateFunctionCommand, DeleteFunctionCommand, DeleteFunctionConcurrencyCommand, DeleteFunctionEventInvokeConfigCommand,
  GetAccountSettingsCommand, GetFunctionCommand, GetFunctionConcurrencyCommand, GetFunctionEventInvokeConfigCommand,
  ListFunctionEventInvokeConfigsCommand, PutFunctionConcurrencyCommand, PutFunctionEventInvokeConfigCommand,
  UpdateFunctionEventInvokeConfigCommand, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { deploy, ROLE } from '../helpers/functions.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { startServer, uniqueName } from '../helpers/server.js';
import { zipOf } from '../helpers/zip.js';
import { fnArn, queueArn } from '../helpers/async.js';

type Server = Awaited<ReturnType<typeof startServer>>;

const CODE = { 'index.mjs': 'export const handler = async (e) => e;' };
const SQS_A = queueArn('destination-a');
const SQS_B = queueArn('destination-b');
/** Shape DestinationArn's pattern (botocore lambda model) as AWS quotes it in validation messages. */
const DESTINATION_PATTERN_TEXT = String.raw`^$|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:([a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)`;

/** LastModified (a `timestamp`, epoch seconds on the wire) as the SDK parses it: a Date close to now. */
function assertRecent(d: Date | undefined, notBefore: number): void {
  assert.ok(d instanceof Date, `LastModified is a timestamp: ${String(d)}`);
  assert.ok(d.getTime() >= notBefore - 1000 && d.getTime() <= Date.now() + 1000, `LastModified ${d.toISOString()} is now`);
}

describe('event invoke config API', () => {
  let srv: Server;
  let lambda: LambdaClient;
  before(async () => {
    srv = await startServer();
    lambda = srv.lambda;
  });
  after(() => srv?.close());

  const fresh = () => deploy(lambda, CODE);

  test('Put → 200 with LastModified, FunctionArn ending :$LATEST, the settings given and empty OnSuccess/OnFailure; Get answers the same', async () => {
    const fn = await fresh();
    const t0 = Date.now();
    const put = await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn, MaximumRetryAttempts: 0 }));
    assert.equal(put.$metadata.httpStatusCode, 200);
    assertRecent(put.LastModified, t0);
    assert.equal(put.FunctionArn, `${fnArn(fn)}:$LATEST`);
    assert.equal(put.MaximumRetryAttempts, 0);
    assert.equal(put.MaximumEventAgeInSeconds, undefined);
    assert.deepEqual(put.DestinationConfig, { OnSuccess: {}, OnFailure: {} });
    const get = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: fn }));
    assert.equal(get.$metadata.httpStatusCode, 200);
    assert.deepEqual(
      { ...get, $metadata: undefined },
      { ...put, $metadata: undefined },
    );

    // On the wire, LastModified is epoch seconds as a JSON number (not an ISO string).
    const raw = await fetch(`${srv.url}/2019-09-25/functions/${fn}/event-invoke-config`);
    assert.equal(raw.status, 200);
    const body = await raw.json();
    assert.equal(typeof body.LastModified, 'number');
    assert.ok(Math.abs(body.LastModified - put.LastModified!.getTime() / 1000) < 0.002);
  });

  test('Put with every setting; FunctionName as name, name:$LATEST, full ARN or Qualifier=$LATEST all name the same config', async () => {
    const fn = await fresh();
    const other = await fresh();
    const put = await lambda.send(new PutFunctionEventInvokeConfigCommand({
      FunctionName: fn, MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnSuccess: { Destination: SQS_A }, OnFailure: { Destination: fnArn(other) } },
    }));
    assert.equal(put.MaximumEventAgeInSeconds, 3600);
    assert.deepEqual(put.DestinationConfig, { OnSuccess: { Destination: SQS_A }, OnFailure: { Destination: fnArn(other) } });
    for (const input of [{ FunctionName: `${fn}:$LATEST` }, { FunctionName: fnArn(fn) }, { FunctionName: `${fnArn(fn)}:$LATEST` }, { FunctionName: fn, Qualifier: '$LATEST' }]) {
      const get = await lambda.send(new GetFunctionEventInvokeConfigCommand(input));
      assert.equal(get.FunctionArn, `${fnArn(fn)}:$LATEST`, JSON.stringify(input));
      assert.equal(get.MaximumRetryAttempts, 1);
    }
    // Limits at both ends are accepted.
    const edges = await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn, Qualifier: '$LATEST', MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600 }));
    assert.equal(edges.MaximumRetryAttempts, 2);
    assert.equal(edges.MaximumEventAgeInSeconds, 21600);
    const low = await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn, MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 }));
    assert.equal(low.MaximumEventAgeInSeconds, 60);
  });

  test('Put replaces (settings left out are removed); Update merges (settings left out stay) and moves LastModified', async () => {
    const fn = await fresh();
    await lambda.send(new PutFunctionEventInvokeConfigCommand({
      FunctionName: fn, MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60, DestinationConfig: { OnSuccess: { Destination: SQS_A } },
    }));
    const replaced = await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn, MaximumRetryAttempts: 0 }));
    assert.equal(replaced.MaximumRetryAttempts, 0);
    assert.equal(replaced.MaximumEventAgeInSeconds, undefined);
    assert.deepEqual(replaced.DestinationConfig, { OnSuccess: {}, OnFailure: {} });
    const got = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: fn }));
    assert.equal(got.MaximumEventAgeInSeconds, undefined);
    assert.deepEqual(got.DestinationConfig, { OnSuccess: {}, OnFailure: {} });

    const base = await lambda.send(new PutFunctionEventInvokeConfigCommand({
      FunctionName: fn, MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60, DestinationConfig: { OnFailure: { Destination: SQS_B } },
    }));
    const upd = await lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: fn, MaximumRetryAttempts: 0 }));
    assert.equal(upd.$metadata.httpStatusCode, 200);
    assert.equal(upd.FunctionArn, `${fnArn(fn)}:$LATEST`);
    assert.equal(upd.MaximumRetryAttempts, 0);
    assert.equal(upd.MaximumEventAgeInSeconds, 60);
    assert.deepEqual(upd.DestinationConfig, { OnSuccess: {}, OnFailure: { Destination: SQS_B } });
    assert.ok(upd.LastModified!.getTime() >= base.LastModified!.getTime());
    const upd2 = await lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: fn, DestinationConfig: { OnSuccess: { Destination: SQS_A } } }));
    assert.deepEqual(upd2.DestinationConfig, { OnSuccess: { Destination: SQS_A }, OnFailure: { Destination: SQS_B } });
    assert.equal(upd2.MaximumRetryAttempts, 0);
    assert.equal(upd2.MaximumEventAgeInSeconds, 60);
    const got2 = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: fn }));
    assert.deepEqual({ ...got2, $metadata: undefined }, { ...upd2, $metadata: undefined });
  });

  test('out-of-range values → 400 ValidationException naming each member, and nothing is stored', async () => {
    const fn = await fresh();
    const put = (input: Record<string, unknown>) => lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn, ...input }));
    const cases: [Record<string, unknown>, string][] = [
      [{ MaximumRetryAttempts: 3 }, "Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2"],
      [{ MaximumRetryAttempts: -1 }, "Value '-1' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value greater than or equal to 0"],
      [{ MaximumEventAgeInSeconds: 59 }, "Value '59' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60"],
      [{ MaximumEventAgeInSeconds: 21601 }, "Value '21601' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value less than or equal to 21600"],
    ];
    for (const [input, text] of cases) {
      await expectAwsError(put(input), { name: 'ValidationException', status: 400, message: `1 validation error detected: ${text}` });
      await expectAwsError(lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: fn, ...input })), { name: 'ValidationException', status: 400 });
    }
    await expectAwsError(put({ MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 30 }), {
      name: 'ValidationException', status: 400, message: /^2 validation errors detected: .*maximumRetryAttempts.*; .*maximumEventAgeInSeconds/,
    });
    await expectAwsError(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: fn })), { name: 'ResourceNotFoundException', status: 404 });
  });

  test('bad destination ARNs: not an ARN → ValidationException with the DestinationArn pattern; too long → length; an unsupported service → InvalidParameterValueException', async (t) => {
    const fn = await fresh();
    const put = (dc: Record<string, unknown>) => lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn, DestinationConfig: dc }));
    const e1 = await expectAwsError(put({ OnFailure: { Destination: 'not-an-arn' } }), {
      name: 'ValidationException', status: 400,
      message: /^1 validation error detected: Value 'not-an-arn' at 'destinationConfig.onFailure.destination' failed to satisfy constraint: Member must satisfy regular expression pattern: /,
    });
    await t.test('the message quotes the model\'s DestinationArn pattern as AWS prints it', () => {
      assert.ok(e1.message.endsWith(`pattern: ${DESTINATION_PATTERN_TEXT}`), e1.message);
    });
    await expectAwsError(put({ OnSuccess: { Destination: 'arn:aws:_-/!lambda:us-east-1:000000000000:function:x' } }), {
      name: 'ValidationException', status: 400, message: /at 'destinationConfig.onSuccess.destination' failed to satisfy constraint/,
    });
    await expectAwsError(put({ OnSuccess: { Destination: queueArn('q'.repeat(350)) } }), {
      name: 'ValidationException', status: 400, message: /at 'destinationConfig.onSuccess.destination' failed to satisfy constraint: Member must have length less than or equal to 350/,
    });
    await expectAwsError(put({ OnSuccess: { Destination: `arn:aws:iam::000000000000:role/${fn}` } }), { name: 'InvalidParameterValueException', status: 400 });
    await expectAwsError(put({ OnSuccess: { Destination: 'arn:aws:dynamodb:us-east-1:000000000000:table/t' } }), { name: 'InvalidParameterValueException', status: 400 });
    // S3 buckets are on-failure destinations only.
    await expectAwsError(put({ OnSuccess: { Destination: 'arn:aws:s3:::bucket' } }), { name: 'InvalidParameterValueException', status: 400 });
    const s3 = await put({ OnFailure: { Destination: 'arn:aws:s3:::bucket' } });
    assert.deepEqual(s3.DestinationConfig, { OnSuccess: {}, OnFailure: { Destination: 'arn:aws:s3:::bucket' } });
    // SNS topics and EventBridge buses are accepted.
    const sns = await put({ OnSuccess: { Destination: 'arn:aws:sns:us-east-1:000000000000:topic' }, OnFailure: { Destination: 'arn:aws:events:us-east-1:000000000000:event-bus/default' } });
    assert.equal(sns.DestinationConfig!.OnSuccess!.Destination, 'arn:aws:sns:us-east-1:000000000000:topic');
  });

  test('a Lambda destination that does not exist, or the function itself → 400 InvalidParameterValueException', async () => {
    const fn = await fresh();
    const missing = fnArn(`${fn}-does-not-exist`);
    await expectAwsError(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn, DestinationConfig: { OnSuccess: { Destination: missing } } })), {
      name: 'InvalidParameterValueException', status: 400, message: `The destination ARN ${missing} is invalid.`,
    });
    await expectAwsError(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn, DestinationConfig: { OnSuccess: { Destination: fnArn(fn) } } })), {
      name: 'InvalidParameterValueException', status: 400, message: "You can't specify the function as a destination for itself.",
    });
  });

  test('Put with no setting at all → 400 InvalidParameterValueException (checked before the function is looked up)', async (t) => {
    const fn = await fresh();
    const message = 'You must specify at least one of error handling or destination setting.';
    await expectAwsError(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn })), { name: 'InvalidParameterValueException', status: 400, message });
    await t.test('also for a function that does not exist', async () => {
      await expectAwsError(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: `${fn}-missing` })), {
        name: 'InvalidParameterValueException', status: 400, message,
      });
    });
  });

  test('DestinationConfig with an empty OnSuccess or OnFailure (no Destination) is a valid Put', async () => {
    const fn = await fresh();
    const a = await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn, DestinationConfig: { OnSuccess: {} } }));
    assert.deepEqual(a.DestinationConfig, { OnSuccess: {}, OnFailure: {} });
    const b = await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn, DestinationConfig: { OnFailure: {} } }));
    assert.deepEqual(b.DestinationConfig, { OnSuccess: {}, OnFailure: {} });
  });

  test('404s: a missing function (Put/Get/Update/Delete/List), no config (Get/Update/Delete), a missing version; qualifier conflicts → 400', async () => {
    const fn = await fresh();
    const missing = `${fn}-missing`;
    const notFound = { name: 'ResourceNotFoundException', status: 404 };
    await expectAwsError(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: missing, MaximumRetryAttempts: 1 })), notFound);
    await expectAwsError(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fnArn(missing), MaximumRetryAttempts: 1 })), notFound);
    await expectAwsError(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: missing })), notFound);
    await expectAwsError(lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: missing, MaximumRetryAttempts: 1 })), notFound);
    await expectAwsError(lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: missing })), notFound);
    await expectAwsError(lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: missing })), notFound);

    const noConfig = { ...notFound, message: `The function ${fnArn(fn)}:$LATEST doesn't have an EventInvokeConfig` };
    await expectAwsError(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: fn })), noConfig);
    await expectAwsError(lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: fn, MaximumRetryAttempts: 1 })), notFound);
    await expectAwsError(lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: fn })), notFound);

    // Versions are not published here, so version 1 does not exist.
    await expectAwsError(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn, Qualifier: '1', MaximumRetryAttempts: 1 })), notFound);
    await expectAwsError(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: `${fn}:1`, MaximumRetryAttempts: 1 })), notFound);
    await expectAwsError(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: fn, Qualifier: 'no-such-alias' })), notFound);
    await expectAwsError(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: `${fn}:$LATEST`, Qualifier: '1', MaximumRetryAttempts: 1 })), {
      name: 'InvalidParameterValueException', status: 400, message: 'The derived qualifier from the function name does not match the specified qualifier.',
    });
    // Another region's function is not this endpoint's.
    await expectAwsError(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: `arn:aws:lambda:eu-west-1:000000000000:function:${fn}` })), notFound);
  });

  test('Delete → 204 and the config is gone; List shows a function\'s configs (MaxItems 1–50)', async () => {
    const fn = await fresh();
    const empty = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: fn }));
    assert.deepEqual(empty.FunctionEventInvokeConfigs, []);
    assert.equal(empty.NextMarker, undefined);
    const put = await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn, MaximumEventAgeInSeconds: 100 }));
    const list = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: fn, MaxItems: 1 }));
    assert.equal(list.FunctionEventInvokeConfigs!.length, 1);
    const { $metadata: _m, ...putShape } = put;
    assert.deepEqual(list.FunctionEventInvokeConfigs![0], putShape);
    assert.equal(list.NextMarker, undefined);
    const byArn = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: fnArn(fn) }));
    assert.equal(byArn.FunctionEventInvokeConfigs!.length, 1);
    for (const MaxItems of [0, 51]) {
      await expectAwsError(lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: fn, MaxItems })), { name: 'ValidationException', status: 400, message: /maxItems/ });
    }
    const del = await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: fn, Qualifier: '$LATEST' }));
    assert.equal(del.$metadata.httpStatusCode, 204);
    await expectAwsError(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: fn })), { name: 'ResourceNotFoundException', status: 404 });
    await expectAwsError(lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: fn })), { name: 'ResourceNotFoundException', status: 404 });
    assert.deepEqual((await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: fn }))).FunctionEventInvokeConfigs, []);
  });

  test('DeleteFunction removes the function\'s event invoke config: a new function of that name has none', async () => {
    const fn = await fresh();
    await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn, MaximumRetryAttempts: 1 }));
    await lambda.send(new DeleteFunctionCommand({ FunctionName: fn }));
    await deploy(lambda, CODE, { name: fn });
    await expectAwsError(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: fn })), { name: 'ResourceNotFoundException', status: 404 });
    assert.deepEqual((await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: fn }))).FunctionEventInvokeConfigs, []);
  });
});

describe('function concurrency and account settings (AWS defaults: 1000, 100 unreserved)', () => {
  let srv: Server;
  let lambda: LambdaClient;
  before(async () => {
    srv = await startServer();
    lambda = srv.lambda;
  });
  after(() => srv?.close());

  const settings = () => lambda.send(new GetAccountSettingsCommand({}));
  const minMessage = (n: number) =>
    `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${n}].`;

  test('GetAccountSettings: AWS\'s limits and this account\'s usage', async () => {
    const before_ = await settings();
    assert.equal(before_.$metadata.httpStatusCode, 200);
    assert.deepEqual(before_.AccountLimit, {
      TotalCodeSize: 80_530_636_800, CodeSizeUnzipped: 262_144_000, CodeSizeZipped: 52_428_800, ConcurrentExecutions: 1000,
      UnreservedConcurrentExecutions: 1000,
    });
    const zip = zipOf(CODE);
    await lambda.send(new CreateFunctionCommand({ FunctionName: uniqueName(), Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip } }));
    const after_ = await settings();
    assert.equal(after_.AccountUsage!.FunctionCount, before_.AccountUsage!.FunctionCount! + 1);
    assert.equal(after_.AccountUsage!.TotalCodeSize, before_.AccountUsage!.TotalCodeSize! + zip.length);
  });

  test('Put → 200 {ReservedConcurrentExecutions}; Get; GetFunction shows Concurrency (unqualified only); Delete → 204 and Get → {}', async () => {
    const fn = await deploy(lambda, CODE);
    assert.equal((await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: fn }))).ReservedConcurrentExecutions, undefined);
    assert.equal((await lambda.send(new GetFunctionCommand({ FunctionName: fn }))).Concurrency, undefined);
    const put = await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: fn, ReservedConcurrentExecutions: 5 }));
    assert.equal(put.$metadata.httpStatusCode, 200);
    assert.equal(put.ReservedConcurrentExecutions, 5);
    const get = await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: fnArn(fn) }));
    assert.equal(get.$metadata.httpStatusCode, 200);
    assert.equal(get.ReservedConcurrentExecutions, 5);
    assert.deepEqual((await lambda.send(new GetFunctionCommand({ FunctionName: fn }))).Concurrency, { ReservedConcurrentExecutions: 5 });
    assert.equal((await lambda.send(new GetFunctionCommand({ FunctionName: fn, Qualifier: '$LATEST' }))).Concurrency, undefined);
    assert.equal((await settings()).AccountLimit!.UnreservedConcurrentExecutions, 995);
    const zero = await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: fn, ReservedConcurrentExecutions: 0 }));
    assert.equal(zero.ReservedConcurrentExecutions, 0);
    assert.deepEqual((await lambda.send(new GetFunctionCommand({ FunctionName: fn }))).Concurrency, { ReservedConcurrentExecutions: 0 });
    const del = await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: fn }));
    assert.equal(del.$metadata.httpStatusCode, 204);
    const raw = await fetch(`${srv.url}/2019-09-30/functions/${fn}/concurrency`);
    assert.deepEqual(await raw.json(), {});
    assert.equal((await lambda.send(new GetFunctionCommand({ FunctionName: fn }))).Concurrency, undefined);
    assert.equal((await settings()).AccountLimit!.UnreservedConcurrentExecutions, 1000);
  });

  test('reservations must leave 100 unreserved: 900 is fine, one more on any function → 400 with AWS\'s message', async () => {
    const a = await deploy(lambda, CODE);
    const b = await deploy(lambda, CODE);
    try {
      await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: a, ReservedConcurrentExecutions: 900 }));
      assert.equal((await settings()).AccountLimit!.UnreservedConcurrentExecutions, 100);
      await expectAwsError(lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: b, ReservedConcurrentExecutions: 1 })), {
        name: 'InvalidParameterValueException', status: 400, message: minMessage(100),
      });
      await expectAwsError(lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: a, ReservedConcurrentExecutions: 901 })), {
        name: 'InvalidParameterValueException', status: 400, message: minMessage(100),
      });
      assert.equal((await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: a }))).ReservedConcurrentExecutions, 900, 'a refused Put changes nothing');
      assert.equal((await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: b }))).ReservedConcurrentExecutions, undefined);
      // A function's own reservation counts as available to it; 0 is always allowed.
      await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: a, ReservedConcurrentExecutions: 900 }));
      await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: b, ReservedConcurrentExecutions: 0 }));
      await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: a, ReservedConcurrentExecutions: 899 }));
      await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: b, ReservedConcurrentExecutions: 1 }));
      assert.equal((await settings()).AccountLimit!.UnreservedConcurrentExecutions, 100);
    } finally {
      await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: a }));
      await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: b }));
    }
    assert.equal((await settings()).AccountLimit!.UnreservedConcurrentExecutions, 1000);
  });

  test('validation and 404s: negative or missing value → ValidationException; a missing function → 404 on Put/Get/Delete', async () => {
    const fn = await deploy(lambda, CODE);
    await expectAwsError(lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: fn, ReservedConcurrentExecutions: -1 })), {
      name: 'ValidationException', status: 400,
      message: "1 validation error detected: Value '-1' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 0",
    });
    await expectAwsError(lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: fn } as never)), {
      name: 'ValidationException', status: 400,
      message: "1 validation error detected: Value null at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must not be null",
    });
    const missing = `${fn}-missing`;
    const notFound = { name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${fnArn(missing)}` };
    await expectAwsError(lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: missing, ReservedConcurrentExecutions: 1 })), notFound);
    await expectAwsError(lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: missing })), notFound);
    await expectAwsError(lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: missing })), notFound);
  });

  test('DeleteFunction releases the reservation: the account gets it back and a new function of that name has none', async () => {
    const fn = await deploy(lambda, CODE);
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: fn, ReservedConcurrentExecutions: 900 }));
    await lambda.send(new DeleteFunctionCommand({ FunctionName: fn }));
    assert.equal((await settings()).AccountLimit!.UnreservedConcurrentExecutions, 1000);
    await deploy(lambda, CODE, { name: fn });
    assert.equal((await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: fn }))).ReservedConcurrentExecutions, undefined);
  });
});

describe('a small account (accountConcurrency 10, minUnreservedConcurrency 10)', () => {
  let srv: Server;
  before(async () => {
    srv = await startServer({ accountConcurrency: 10, minUnreservedConcurrency: 10 });
  });
  after(() => srv?.close());

  test('only 0 can be reserved, and the message names the configured minimum; GetAccountSettings shows the limit', async () => {
    const fn = await deploy(srv.lambda, CODE);
    await expectAwsError(srv.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: fn, ReservedConcurrentExecutions: 1 })), {
      name: 'InvalidParameterValueException', status: 400,
      message: "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [10].",
    });
    const zero = await srv.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: fn, ReservedConcurrentExecutions: 0 }));
    assert.equal(zero.ReservedConcurrentExecutions, 0);
    const s = await srv.lambda.send(new GetAccountSettingsCommand({}));
    assert.equal(s.AccountLimit!.ConcurrentExecutions, 10);
    assert.equal(s.AccountLimit!.UnreservedConcurrentExecutions, 10);
  });
});

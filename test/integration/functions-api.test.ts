// Lambda control plane through the real SDK v3: Create/Get/GetConfiguration/List/Update*/Delete, CodeSha256,
// Code.Location, states and waiters, and every way of naming a function (lambda-api.md §2-5).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  CreateFunctionCommand, DeleteFunctionCommand, GetFunctionCommand, GetFunctionConfigurationCommand, ListFunctionsCommand,
  UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand, waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2,
  type FunctionConfiguration, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { startServer, uniqueName } from '../helpers/server.js';
import { ROLE, invokeJson } from '../helpers/functions.js';
import { zipOf } from '../helpers/zip.js';
import { expectAwsError } from '../helpers/aws-errors.js';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const arnOf = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const sha256b64 = (buf: Uint8Array) => createHash('sha256').update(buf).digest('base64');

/** A handler that returns a fixed tag plus what the test needs to see from inside. */
const taggedHandler = (tag: string) =>
  `exports.handler = async (event) => ({ tag: ${JSON.stringify(tag)}, env: process.env.MY_VAR ?? null, other: process.env.OTHER ?? null });`;

let srv: Awaited<ReturnType<typeof startServer>>;
let lambda: LambdaClient;

before(async () => {
  srv = await startServer();
  lambda = srv.lambda;
});
after(() => srv?.close());

async function create(name: string, zip: Buffer, extra: Partial<ConstructorParameters<typeof CreateFunctionCommand>[0]> = {}) {
  return lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip }, ...extra,
  }));
}

async function listAll(pageSize?: number): Promise<{ names: string[]; pages: FunctionConfiguration[][] }> {
  const pages: FunctionConfiguration[][] = [];
  let marker: string | undefined;
  do {
    const out = await lambda.send(new ListFunctionsCommand({ ...(pageSize ? { MaxItems: pageSize } : {}), ...(marker ? { Marker: marker } : {}) }));
    pages.push(out.Functions ?? []);
    marker = out.NextMarker;
    assert.ok(pages.length < 1000, 'ListFunctions paging does not end');
  } while (marker);
  return { names: pages.flat().map((f) => f.FunctionName!), pages };
}

describe('CreateFunction / GetFunction / GetFunctionConfiguration', () => {
  test('stores every given field and reports CodeSha256 / CodeSize of the zip', async () => {
    const name = uniqueName('api-create');
    const zip = zipOf({ 'index.js': taggedHandler('v1') });
    const created = await create(name, zip, {
      Description: 'first function', Timeout: 7, MemorySize: 256, Environment: { Variables: { MY_VAR: 'one', OTHER: 'two' } },
      Runtime: 'nodejs22.x',
    });
    assert.equal(created.$metadata.httpStatusCode, 201);
    assert.equal(created.FunctionName, name);
    assert.equal(created.FunctionArn, arnOf(name));
    assert.equal(created.Runtime, 'nodejs22.x');
    assert.equal(created.Role, ROLE);
    assert.equal(created.Handler, 'index.handler');
    assert.equal(created.Description, 'first function');
    assert.equal(created.Timeout, 7);
    assert.equal(created.MemorySize, 256);
    assert.deepEqual(created.Environment?.Variables, { MY_VAR: 'one', OTHER: 'two' });
    assert.equal(created.CodeSize, zip.length);
    assert.equal(created.CodeSha256, sha256b64(zip));
    assert.equal(created.CodeSha256!.length, 44);
    assert.equal(created.Version, '$LATEST');
    assert.equal(created.PackageType, 'Zip');
    assert.match(created.RevisionId!, /^[0-9a-f-]{36}$/);
    assert.match(created.LastModified!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    assert.ok(['Active', 'Pending'].includes(created.State!), `State after create: ${created.State}`);

    const conf = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    for (const key of ['FunctionName', 'FunctionArn', 'Runtime', 'Role', 'Handler', 'Description', 'Timeout', 'MemorySize', 'CodeSize', 'CodeSha256', 'RevisionId', 'Version'] as const) {
      assert.deepEqual(conf[key], created[key], `GetFunctionConfiguration.${key}`);
    }
    assert.deepEqual(conf.Environment?.Variables, { MY_VAR: 'one', OTHER: 'two' });
    assert.equal(conf.State, 'Active');
    assert.equal(conf.LastUpdateStatus, 'Successful');
    assert.deepEqual(conf.LoggingConfig, { LogFormat: 'Text', LogGroup: `/aws/lambda/${name}` });

    const got = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
    const { $metadata: _meta, ...confOnly } = conf;
    assert.deepEqual(got.Configuration, confOnly);
    assert.equal(got.Code?.RepositoryType, 'S3');

    const run = await invokeJson(lambda, name, {});
    assert.deepEqual(run.body, { tag: 'v1', env: 'one', other: 'two' });
  });

  test('defaults: Timeout 3, MemorySize 128, empty Description, x86_64, PassThrough tracing, 512 MB /tmp', async () => {
    const name = uniqueName('api-defaults');
    await create(name, zipOf({ 'index.js': taggedHandler('d') }));
    const conf = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    assert.equal(conf.Timeout, 3);
    assert.equal(conf.MemorySize, 128);
    assert.equal(conf.Description, '');
    assert.deepEqual(conf.Architectures, ['x86_64']);
    assert.deepEqual(conf.TracingConfig, { Mode: 'PassThrough' });
    assert.deepEqual(conf.EphemeralStorage, { Size: 512 });
    assert.equal(conf.Environment, undefined);
  });

  test('Code.Location downloads exactly the uploaded zip, and only with a valid signature', async () => {
    const name = uniqueName('api-location');
    const zip = zipOf({ 'index.js': taggedHandler('loc'), 'data/readme.txt': 'some data '.repeat(100) });
    await create(name, zip);
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
    const location = got.Code?.Location;
    assert.ok(location, 'GetFunction has Code.Location');
    const res = await fetch(location);
    assert.equal(res.status, 200);
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(bytes.length, zip.length);
    assert.ok(bytes.equals(zip), 'downloaded bytes equal the uploaded zip');
    assert.equal(sha256b64(bytes), got.Configuration?.CodeSha256);

    const tampered = new URL(location);
    const sig = tampered.searchParams.get('Signature');
    if (sig) {
      tampered.searchParams.set('Signature', (sig[0] === '0' ? '1' : '0') + sig.slice(1));
      const bad = await fetch(tampered);
      await bad.arrayBuffer();
      assert.notEqual(bad.status, 200, 'a tampered Code.Location must not download');
    }
  });

  test('State Active / LastUpdateStatus Successful; waitUntilFunctionActiveV2 and waitUntilFunctionUpdatedV2 succeed', async () => {
    const name = uniqueName('api-waiters');
    await create(name, zipOf({ 'index.js': taggedHandler('w1') }));
    const active = await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 20, minDelay: 1, maxDelay: 1 }, { FunctionName: name });
    assert.equal(active.state, 'SUCCESS');
    const conf = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    assert.equal(conf.State, 'Active');
    assert.equal(conf.LastUpdateStatus, 'Successful');

    const upd = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Description: 'changed' }));
    assert.ok(['Successful', 'InProgress'].includes(upd.LastUpdateStatus!), `LastUpdateStatus after update: ${upd.LastUpdateStatus}`);
    const updated = await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 20, minDelay: 1, maxDelay: 1 }, { FunctionName: name });
    assert.equal(updated.state, 'SUCCESS');

    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zipOf({ 'index.js': taggedHandler('w2') }) }));
    const updatedCode = await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 20, minDelay: 1, maxDelay: 1 }, { FunctionName: name });
    assert.equal(updatedCode.state, 'SUCCESS');
    const after = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    assert.equal(after.State, 'Active');
    assert.equal(after.LastUpdateStatus, 'Successful');
  });
});

describe('function names: bare, partial ARN, full ARN, :$LATEST', () => {
  test('Get, GetConfiguration, Invoke, Update and Delete accept every form and refer to the same function', async () => {
    const name = uniqueName('api-names');
    await create(name, zipOf({ 'index.js': 'exports.handler = async (e, ctx) => ({ arn: ctx.invokedFunctionArn });' }));
    const forms = [name, `${ACCOUNT}:function:${name}`, arnOf(name), `${name}:$LATEST`, `${arnOf(name)}:$LATEST`, `${ACCOUNT}:function:${name}:$LATEST`];
    for (const form of forms) {
      const got = await lambda.send(new GetFunctionCommand({ FunctionName: form }));
      assert.equal(got.Configuration?.FunctionName, name, `GetFunction ${form}`);
      assert.equal(got.Configuration?.FunctionArn, arnOf(name), `GetFunction ${form} returns the unqualified ARN`);
      const conf = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: form }));
      assert.equal(conf.FunctionName, name, `GetFunctionConfiguration ${form}`);
      const run = await invokeJson(lambda, form, {});
      assert.equal(run.out.StatusCode, 200, `Invoke ${form}`);
      assert.equal(run.out.FunctionError, undefined, `Invoke ${form}: ${run.text}`);
      assert.equal(run.out.ExecutedVersion, '$LATEST');
    }
    // Qualifier as a parameter instead of inside the name.
    const q = await lambda.send(new GetFunctionCommand({ FunctionName: name, Qualifier: '$LATEST' }));
    assert.equal(q.Configuration?.FunctionName, name);
    const qc = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: arnOf(name), Qualifier: '$LATEST' }));
    assert.equal(qc.FunctionName, name);
    const qi = await invokeJson(lambda, name, {}, { qualifier: '$LATEST' });
    assert.equal(qi.out.FunctionError, undefined, qi.text);

    // Updates through an ARN.
    const byArn = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: arnOf(name), Description: 'via arn' }));
    assert.equal(byArn.Description, 'via arn');
    const byPartial = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: `${ACCOUNT}:function:${name}`, Description: 'via partial' }));
    assert.equal(byPartial.Description, 'via partial');

    // Delete through the full ARN removes the function.
    const del = await lambda.send(new DeleteFunctionCommand({ FunctionName: arnOf(name) }));
    assert.equal(del.$metadata.httpStatusCode, 204);
    await expectAwsError(lambda.send(new GetFunctionCommand({ FunctionName: name })), {
      name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${arnOf(name)}`,
    });
  });

  test('a name that is already taken cannot be created again through its ARN', async () => {
    const name = uniqueName('api-arn-dup');
    await create(name, zipOf({ 'index.js': taggedHandler('x') }));
    await expectAwsError(create(arnOf(name), zipOf({ 'index.js': taggedHandler('y') })), {
      name: 'ResourceConflictException', status: 409, message: `Function already exist: ${name}`,
    });
  });

  test('CreateFunction given a full ARN creates the bare name', async () => {
    const name = uniqueName('api-arn-create');
    const created = await create(arnOf(name), zipOf({ 'index.js': taggedHandler('arn') }));
    assert.equal(created.FunctionName, name);
    assert.equal(created.FunctionArn, arnOf(name));
  });
});

describe('ListFunctions', () => {
  test('pages with Marker / MaxItems over more than 50 functions; every function exactly once; pages capped at 50', async () => {
    const prefix = uniqueName('api-list');
    const zip = zipOf({ 'index.js': taggedHandler('l') });
    const mine = Array.from({ length: 55 }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
    for (let i = 0; i < mine.length; i += 11) {
      await Promise.all(mine.slice(i, i + 11).map((n) => create(n, zip)));
    }

    // Default page size: at most 50, with a NextMarker while more remain.
    const first = await lambda.send(new ListFunctionsCommand({}));
    assert.ok((first.Functions?.length ?? 0) <= 50, `default page has ${first.Functions?.length} items`);
    assert.equal(first.Functions?.length, 50, 'a full first page when more than 50 functions exist');
    assert.ok(first.NextMarker, 'NextMarker when more functions remain');

    // MaxItems above 50 is still capped at 50.
    const big = await lambda.send(new ListFunctionsCommand({ MaxItems: 10000 }));
    assert.equal(big.Functions?.length, 50);
    assert.ok(big.NextMarker);

    for (const pageSize of [undefined, 7, 50]) {
      const { names, pages } = await listAll(pageSize);
      const limit = pageSize ?? 50;
      for (const [i, page] of pages.entries()) {
        assert.ok(page.length <= limit, `page ${i} has ${page.length} > ${limit} items`);
        if (i < pages.length - 1) assert.equal(page.length, limit, `page ${i} (not the last) is full`);
      }
      assert.equal(new Set(names).size, names.length, `no function listed twice (MaxItems ${pageSize})`);
      for (const n of mine) assert.ok(names.includes(n), `${n} is listed (MaxItems ${pageSize})`);
    }

    // Items carry the full configuration.
    const page = await lambda.send(new ListFunctionsCommand({ MaxItems: 1 }));
    assert.equal(page.Functions?.length, 1);
    const item = page.Functions![0]!;
    assert.ok(item.FunctionArn && item.CodeSha256 && item.Runtime && item.Handler && item.RevisionId);
  });

  test('MaxItems outside 1-10000 is a ValidationException', async () => {
    for (const bad of [0, 10001]) {
      await expectAwsError(lambda.send(new ListFunctionsCommand({ MaxItems: bad })), {
        name: 'ValidationException', status: 400, message: new RegExp(`Value '${bad}' at 'maxItems' failed to satisfy constraint`),
      });
    }
    // Not a number at all (the SDK would not send this; curl would): the value is shown as sent.
    const res = await fetch(`${srv.url}/2015-03-31/functions/?MaxItems=abc`);
    assert.equal(res.status, 400);
    assert.match((await res.json() as { message: string }).message, /Value 'abc' at 'maxItems' failed to satisfy constraint: Member must be an integer/);
  });
});

describe('UpdateFunctionCode', () => {
  test('new CodeSha256 / CodeSize / RevisionId / LastModified, Code.Location serves the new zip, the new code runs', async () => {
    const name = uniqueName('api-code');
    const zip1 = zipOf({ 'index.js': taggedHandler('old') });
    const c1 = await create(name, zip1);
    // Warm an environment on the old code first: the update must not leave it serving.
    assert.deepEqual((await invokeJson(lambda, name)).body.tag, 'old');

    const zip2 = zipOf({ 'index.js': taggedHandler('new'), 'padding.txt': 'p'.repeat(5000) });
    const u = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zip2 }));
    assert.equal(u.$metadata.httpStatusCode, 200);
    assert.equal(u.CodeSha256, sha256b64(zip2));
    assert.equal(u.CodeSize, zip2.length);
    assert.notEqual(u.CodeSha256, c1.CodeSha256);
    assert.notEqual(u.RevisionId, c1.RevisionId);
    assert.ok(u.LastModified! >= c1.LastModified!, 'LastModified moves forward');
    assert.equal(u.Handler, 'index.handler', 'configuration is untouched by a code update');

    const got = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
    assert.equal(got.Configuration?.CodeSha256, sha256b64(zip2));
    assert.equal(got.Configuration?.RevisionId, u.RevisionId);
    const bytes = Buffer.from(await (await fetch(got.Code!.Location!)).arrayBuffer());
    assert.ok(bytes.equals(zip2), 'Code.Location serves the new zip');

    assert.equal((await invokeJson(lambda, name)).body.tag, 'new');
  });

  test('RevisionId precondition: a stale id is 412 and changes nothing; the current id succeeds', async () => {
    const name = uniqueName('api-code-rev');
    const c = await create(name, zipOf({ 'index.js': taggedHandler('r1') }));
    const u1 = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zipOf({ 'index.js': taggedHandler('r2') }), RevisionId: c.RevisionId }));
    assert.notEqual(u1.RevisionId, c.RevisionId);
    await expectAwsError(
      lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zipOf({ 'index.js': taggedHandler('r3') }), RevisionId: c.RevisionId })),
      { name: 'PreconditionFailedException', status: 412, message: /^The Revision Id provided does not match the latest Revision Id\./ },
    );
    const conf = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    assert.equal(conf.RevisionId, u1.RevisionId);
    assert.equal(conf.CodeSha256, u1.CodeSha256);
    assert.equal((await invokeJson(lambda, name)).body.tag, 'r2');
  });
});

describe('UpdateFunctionConfiguration', () => {
  test('omitted fields stay; Environment.Variables is replaced wholesale; the running function sees the new config', async () => {
    const name = uniqueName('api-config');
    const c = await create(name, zipOf({ 'index.js': taggedHandler('cfg') }), {
      Description: 'orig', Timeout: 9, MemorySize: 512, Environment: { Variables: { MY_VAR: 'a', OTHER: 'b' } },
    });
    assert.deepEqual((await invokeJson(lambda, name)).body, { tag: 'cfg', env: 'a', other: 'b' });

    const u1 = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Description: 'changed' }));
    assert.equal(u1.Description, 'changed');
    assert.equal(u1.Timeout, 9);
    assert.equal(u1.MemorySize, 512);
    assert.equal(u1.Handler, 'index.handler');
    assert.equal(u1.Runtime, 'nodejs20.x');
    assert.deepEqual(u1.Environment?.Variables, { MY_VAR: 'a', OTHER: 'b' });
    assert.equal(u1.CodeSha256, c.CodeSha256, 'code untouched by a configuration update');
    assert.notEqual(u1.RevisionId, c.RevisionId);

    const u2 = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Environment: { Variables: { MY_VAR: 'z' } } }));
    assert.deepEqual(u2.Environment?.Variables, { MY_VAR: 'z' }, 'variables replaced, not merged');
    assert.equal(u2.Description, 'changed');
    assert.deepEqual((await invokeJson(lambda, name)).body, { tag: 'cfg', env: 'z', other: null });

    const u3 = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Timeout: 30, MemorySize: 1024, Handler: 'index.handler', Runtime: 'nodejs18.x' }));
    assert.equal(u3.Timeout, 30);
    assert.equal(u3.MemorySize, 1024);
    assert.equal(u3.Runtime, 'nodejs18.x');
    assert.deepEqual(u3.Environment?.Variables, { MY_VAR: 'z' });

    const u4 = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Environment: { Variables: {} } }));
    assert.equal(Object.keys(u4.Environment?.Variables ?? {}).length, 0, 'empty Variables clears the environment');
    assert.deepEqual((await invokeJson(lambda, name)).body, { tag: 'cfg', env: null, other: null });

    const conf = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    assert.equal(conf.RevisionId, u4.RevisionId);
    assert.equal(conf.Description, 'changed');
    assert.equal(conf.Timeout, 30);
  });

  test('a new Handler takes effect on the next invoke', async () => {
    const name = uniqueName('api-handler');
    await create(name, zipOf({ 'index.js': 'exports.handler = async () => "one"; exports.other = async () => "two";' }));
    assert.equal((await invokeJson(lambda, name)).body, 'one');
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Handler: 'index.other' }));
    assert.equal((await invokeJson(lambda, name)).body, 'two');
  });

  test('RevisionId precondition: stale id → 412 PreconditionFailedException and nothing changes', async () => {
    const name = uniqueName('api-config-rev');
    const c = await create(name, zipOf({ 'index.js': taggedHandler('p') }), { Description: 'v0' });
    const ok = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Description: 'v1', RevisionId: c.RevisionId }));
    assert.equal(ok.Description, 'v1');
    await expectAwsError(
      lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Description: 'v2', RevisionId: c.RevisionId })),
      { name: 'PreconditionFailedException', status: 412, message: /^The Revision Id provided does not match the latest Revision Id\./ },
    );
    const conf = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    assert.equal(conf.Description, 'v1');
    assert.equal(conf.RevisionId, ok.RevisionId);
  });
});

describe('DeleteFunction', () => {
  test('204, then Get / GetConfiguration / Invoke / Update / Delete are 404 and List no longer shows it; the name is reusable', async () => {
    const name = uniqueName('api-delete');
    await create(name, zipOf({ 'index.js': taggedHandler('del') }));
    await invokeJson(lambda, name);
    const del = await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
    assert.equal(del.$metadata.httpStatusCode, 204);

    const notFound = { name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${arnOf(name)}` };
    await expectAwsError(lambda.send(new GetFunctionCommand({ FunctionName: name })), notFound);
    await expectAwsError(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name })), notFound);
    await expectAwsError(invokeJson(lambda, name), notFound);
    await expectAwsError(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Description: 'x' })), notFound);
    await expectAwsError(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zipOf({ 'index.js': taggedHandler('x') }) })), notFound);
    await expectAwsError(lambda.send(new DeleteFunctionCommand({ FunctionName: name })), notFound);
    const { names } = await listAll();
    assert.ok(!names.includes(name), 'deleted function is not listed');

    // The name can be used again, for a new function with new code.
    await create(name, zipOf({ 'index.js': taggedHandler('reborn') }));
    assert.equal((await invokeJson(lambda, name)).body.tag, 'reborn');
  });

  test('DeleteFunction with Qualifier=$LATEST is refused and keeps the function', async () => {
    const name = uniqueName('api-delete-latest');
    await create(name, zipOf({ 'index.js': taggedHandler('keep') }));
    await expectAwsError(lambda.send(new DeleteFunctionCommand({ FunctionName: name, Qualifier: '$LATEST' })), {
      name: 'InvalidParameterValueException', status: 400,
    });
    const conf = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    assert.equal(conf.FunctionName, name);
  });
});

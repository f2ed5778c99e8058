// Every control-plane and Invoke error of issue 2: AWS error code, HTTP status and message, and no trace left
// behind (Get is 404, List does not show it, nothing new in the data dir, updates leave the function as it was).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateFunctionCommand, GetFunctionCommand, GetFunctionConfigurationCommand, InvokeCommand, ListFunctionsCommand,
  UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand, type CreateFunctionCommandInput, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { startServer, uniqueName } from '../helpers/server.js';
import { ROLE, invokeJson } from '../helpers/functions.js';
import { zipOf } from '../helpers/zip.js';
import { expectAwsError, type ExpectedAwsError } from '../helpers/aws-errors.js';
import { listTree } from '../helpers/processes.js';
import { SUPPORTED_RUNTIMES } from '../../src/lambda/control/function-input.js';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const arnOf = (name: string, qualifier?: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}${qualifier ? `:${qualifier}` : ''}`;

/** AWS's FunctionName pattern as the model (and AWS's message) spells it. */
const FUNCTION_NAME_PATTERN_TEXT =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
const ROLE_PATTERN_TEXT = 'arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+';
const RESERVED_KEYS_MESSAGE =
  'Lambda was unable to configure your environment variables because the environment variables you have provided ' +
  'contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ';

const HANDLER = 'let n = 0; exports.handler = async (event) => ({ n: ++n, event });';

let srv: Awaited<ReturnType<typeof startServer>>;
let lambda: LambdaClient;
before(async () => {
  srv = await startServer();
  lambda = srv.lambda;
});
after(() => srv?.close());

/** Everything in the data dir except the database files (which change with any read/write). */
const dataFiles = () => listTree(srv.dataDir, /^lambkin\.db|^logs(\/|$)/);

function createInput(name: string, over: Partial<CreateFunctionCommandInput> = {}): CreateFunctionCommandInput {
  return {
    FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zipOf({ 'index.js': HANDLER }) }, ...over,
  };
}

async function listedNames(): Promise<string[]> {
  const names: string[] = [];
  let marker: string | undefined;
  do {
    const out = await lambda.send(new ListFunctionsCommand(marker ? { Marker: marker } : {}));
    names.push(...(out.Functions ?? []).map((f) => f.FunctionName!));
    marker = out.NextMarker;
  } while (marker);
  return names;
}

/** CreateFunction fails as expected and leaves nothing: no function by that name, not listed, no new files. */
async function expectCreateRejected(input: CreateFunctionCommandInput, want: ExpectedAwsError, lookupName = input.FunctionName): Promise<void> {
  const before = dataFiles();
  await expectAwsError(lambda.send(new CreateFunctionCommand(input)), want);
  assert.deepEqual(dataFiles(), before, `no file stored by the rejected CreateFunction (${want.name})`);
  if (lookupName && /^[a-zA-Z0-9-_]{1,64}$/.test(lookupName)) {
    await expectAwsError(lambda.send(new GetFunctionCommand({ FunctionName: lookupName })), {
      name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${arnOf(lookupName)}`,
    });
  }
  const names = await listedNames();
  if (lookupName) assert.ok(!names.includes(lookupName), `${lookupName} must not be listed`);
}

describe('CreateFunction errors store nothing', () => {
  test('invalid function name → 400 ValidationException with the model pattern', async () => {
    for (const bad of ['bad name!', 'semi;colon', 'slash/name']) {
      await expectCreateRejected(createInput(bad), {
        name: 'ValidationException', status: 400,
        message: `1 validation error detected: Value '${bad}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN_TEXT}`,
      });
    }
    assert.ok(!(await listedNames()).some((n) => /[ ;/!]/.test(n)));
  });

  test('a 64-character name is fine; 65 → 400 InvalidParameterValueException; 141 → ValidationException (1-140)', async () => {
    const base = uniqueName('len');
    const name64 = (base + 'x'.repeat(64)).slice(0, 64);
    const ok = await lambda.send(new CreateFunctionCommand(createInput(name64)));
    assert.equal(ok.FunctionName, name64);

    const name65 = (base + 'y'.repeat(65)).slice(0, 65);
    await expectCreateRejected(createInput(name65), {
      name: 'InvalidParameterValueException', status: 400,
      message: `1 validation error detected: Value '${name65}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64`,
    });
    assert.ok(!(await listedNames()).includes(name65));

    const name141 = (base + 'z'.repeat(141)).slice(0, 141);
    await expectCreateRejected(createInput(name141), {
      name: 'ValidationException', status: 400,
      message: `1 validation error detected: Value '${name141}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 140`,
    });
  });

  test('bad role → 400 ValidationException with the role pattern; missing role → must not be null', async () => {
    await expectCreateRejected(createInput(uniqueName('role'), { Role: 'not-a-role' }), {
      name: 'ValidationException', status: 400,
      message: `1 validation error detected: Value 'not-a-role' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: ${ROLE_PATTERN_TEXT}`,
    });
    await expectCreateRejected(createInput(uniqueName('role'), { Role: 'arn:aws:iam::123:role/short-account' }), {
      name: 'ValidationException', status: 400, message: /at 'role' failed to satisfy constraint/,
    });
    await expectCreateRejected(createInput(uniqueName('role'), { Role: undefined }), {
      name: 'ValidationException', status: 400,
      message: "1 validation error detected: Value null at 'role' failed to satisfy constraint: Member must not be null",
    });
  });

  test('Timeout 0 / 901 and MemorySize 127 / 10241 → 400 ValidationException', async () => {
    await expectCreateRejected(createInput(uniqueName('range'), { Timeout: 0 }), {
      name: 'ValidationException', status: 400,
      message: "1 validation error detected: Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1",
    });
    await expectCreateRejected(createInput(uniqueName('range'), { Timeout: 901 }), {
      name: 'ValidationException', status: 400,
      message: "1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900",
    });
    await expectCreateRejected(createInput(uniqueName('range'), { MemorySize: 127 }), {
      name: 'ValidationException', status: 400,
      message: "1 validation error detected: Value '127' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128",
    });
    // 10240 is Lambda's service limit (current models allow up to 32768), worded without the "Value ... at" form.
    await expectCreateRejected(createInput(uniqueName('range'), { MemorySize: 10241 }), {
      name: 'ValidationException', status: 400,
      message: "'MemorySize' value failed to satisfy constraint: Member must have value less than or equal to 10240",
    });
    await expectCreateRejected(createInput(uniqueName('range'), { MemorySize: 40000 }), {
      name: 'ValidationException', status: 400,
      message: "1 validation error detected: Value '40000' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 32768",
    });
    // Both ends of the ranges are accepted.
    const edge = await lambda.send(new CreateFunctionCommand(createInput(uniqueName('edge'), { Timeout: 900, MemorySize: 10240 })));
    assert.equal(edge.Timeout, 900);
    assert.equal(edge.MemorySize, 10240);
    const low = await lambda.send(new CreateFunctionCommand(createInput(uniqueName('edge'), { Timeout: 1, MemorySize: 128 })));
    assert.equal(low.Timeout, 1);
  });

  test('unknown runtime → 400 ValidationException (enum); known but unsupported runtime → 400 InvalidParameterValueException', async () => {
    await expectCreateRejected(createInput(uniqueName('rt'), { Runtime: 'nodejs99.x' as never }), {
      name: 'ValidationException', status: 400,
      message: /^1 validation error detected: Value 'nodejs99\.x' at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: \[.*nodejs20\.x.*\]$/,
    });
    const unsupported = ['python3.12', 'java21', 'dotnet8', 'ruby3.3'].filter((r) => !(SUPPORTED_RUNTIMES as readonly string[]).includes(r));
    assert.ok(unsupported.length > 0, 'at least one AWS runtime lambkin does not run');
    for (const runtime of unsupported) {
      await expectCreateRejected(createInput(uniqueName('rt'), { Runtime: runtime as never }), {
        name: 'InvalidParameterValueException', status: 400, message: new RegExp(`runtime parameter of ${runtime.replace('.', '\\.')} is .*not supported`),
      });
    }
  });

  test('missing Handler or Runtime → 400 InvalidParameterValueException (AWS text)', async () => {
    const message = 'Runtime and Handler are mandatory parameters for functions created with deployment packages.';
    await expectCreateRejected(createInput(uniqueName('nohandler'), { Handler: undefined }), { name: 'InvalidParameterValueException', status: 400, message });
    await expectCreateRejected(createInput(uniqueName('noruntime'), { Runtime: undefined }), { name: 'InvalidParameterValueException', status: 400, message });
  });

  test('bytes that are not a zip → 400 InvalidParameterValueException; nothing unpacked', async () => {
    const message = 'Could not unzip uploaded file. Please check your file, then try to upload again.';
    await expectCreateRejected(createInput(uniqueName('badzip'), { Code: { ZipFile: Buffer.from('this is not a zip file at all') } }), {
      name: 'InvalidParameterValueException', status: 400, message,
    });
    // A truncated real zip is rejected too.
    const zip = zipOf({ 'index.js': HANDLER + '/*' + 'x'.repeat(2000) + '*/' });
    await expectCreateRejected(createInput(uniqueName('badzip'), { Code: { ZipFile: zip.subarray(0, zip.length - 30) } }), {
      name: 'InvalidParameterValueException', status: 400, message,
    });
  });

  test('a zip whose entries contradict each other (a file "lib" and "lib/x.js") → 400, nothing stored', async () => {
    const name = uniqueName('clash');
    const zip = zipOf({ 'index.js': HANDLER, lib: 'a file', 'lib/x.js': '' });
    await expectCreateRejected(createInput(name, { Code: { ZipFile: zip } }), {
      name: 'InvalidParameterValueException', status: 400, message: 'Could not unzip uploaded file. Please check your file, then try to upload again.',
    });
  });

  test('duplicate name → 409 ResourceConflictException; the first function is untouched', async () => {
    const name = uniqueName('dup');
    const first = await lambda.send(new CreateFunctionCommand(createInput(name, { Description: 'first' })));
    const before = dataFiles();
    await expectAwsError(lambda.send(new CreateFunctionCommand(createInput(name, {
      Description: 'second', Code: { ZipFile: zipOf({ 'index.js': 'exports.handler = async () => "second";' }) },
    }))), { name: 'ResourceConflictException', status: 409, message: `Function already exist: ${name}` });
    assert.deepEqual(dataFiles(), before, 'nothing stored by the rejected duplicate');
    const conf = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    assert.equal(conf.Description, 'first');
    assert.equal(conf.RevisionId, first.RevisionId);
    assert.equal(conf.CodeSha256, first.CodeSha256);
    assert.equal((await listedNames()).filter((n) => n === name).length, 1);
    assert.equal((await invokeJson(lambda, name, { x: 1 })).body.event.x, 1);
  });

  test('reserved environment variable keys → 400 InvalidParameterValueException naming them', async () => {
    await expectCreateRejected(createInput(uniqueName('reserved'), { Environment: { Variables: { AWS_REGION: 'eu-west-1' } } }), {
      name: 'InvalidParameterValueException', status: 400, message: `${RESERVED_KEYS_MESSAGE}AWS_REGION`,
    });
    for (const key of ['AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'AWS_ACCESS_KEY_ID', 'AWS_LAMBDA_FUNCTION_NAME']) {
      await expectCreateRejected(createInput(uniqueName('reserved'), { Environment: { Variables: { OK_KEY: 'v', [key]: 'x' } } }), {
        name: 'InvalidParameterValueException', status: 400, message: `${RESERVED_KEYS_MESSAGE}${key}`,
      });
    }
    // `_HANDLER` and `_X_AMZN_TRACE_ID` are reserved too, but already fail the key pattern (must start with a letter).
    await expectCreateRejected(createInput(uniqueName('reserved'), { Environment: { Variables: { _HANDLER: 'x' } } }), {
      name: 'ValidationException', status: 400, message: /Value at 'environment\.variables' failed to satisfy constraint: Map keys must satisfy constraint/,
    });
  });

  test('invalid environment variable key → 400 ValidationException that does not echo the value', async () => {
    // Keys start with a letter and have at least two characters.
    for (const key of ['1BAD', 'A', 'has-dash']) {
      await expectCreateRejected(createInput(uniqueName('envkey'), { Environment: { Variables: { GOOD_KEY: 'ok', [key]: 'secret-value' } } }), {
        name: 'ValidationException', status: 400,
        message: "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]",
      });
    }
  });

  test('environment over 4 KB → 400 InvalidParameterValueException; just under 4 KB is accepted', async () => {
    const big = { BIG: 'v'.repeat(4200) };
    const err = await expectAwsError(lambda.send(new CreateFunctionCommand(createInput(uniqueName('env4k'), { Environment: { Variables: big } }))), {
      name: 'InvalidParameterValueException', status: 400,
      message: /^Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit\. String measured: /,
    });
    assert.ok(err.message.includes('"BIG"'));
    const name = uniqueName('env4k');
    await expectCreateRejected(createInput(name, { Environment: { Variables: { AA: 'a'.repeat(2100), BB: 'b'.repeat(2100) } } }), {
      name: 'InvalidParameterValueException', status: 400, message: /exceeded the 4KB limit/,
    });
    const fits = await lambda.send(new CreateFunctionCommand(createInput(name, { Environment: { Variables: { AA: 'a'.repeat(3900) } } })));
    assert.equal(fits.Environment?.Variables?.AA?.length, 3900);
  });
});

describe('update errors change nothing', () => {
  test('UpdateFunctionConfiguration with bad values → 400, same RevisionId and configuration, old config still runs', async () => {
    const name = uniqueName('upd-bad');
    const c = await lambda.send(new CreateFunctionCommand(createInput(name, {
      Timeout: 5, Environment: { Variables: { KEEP: 'yes' } },
      Code: { ZipFile: zipOf({ 'index.js': 'exports.handler = async () => ({ keep: process.env.KEEP ?? null });' }) },
    })));
    const cases: [Partial<ConstructorParameters<typeof UpdateFunctionConfigurationCommand>[0]>, ExpectedAwsError][] = [
      [{ Timeout: 901 }, { name: 'ValidationException', status: 400, message: /Value '901' at 'timeout'/ }],
      [{ MemorySize: 64 }, { name: 'ValidationException', status: 400, message: /Value '64' at 'memorySize'/ }],
      [{ Runtime: 'nodejs99.x' as never }, { name: 'ValidationException', status: 400, message: /at 'runtime'/ }],
      [{ Role: 'nope' }, { name: 'ValidationException', status: 400, message: /at 'role'/ }],
      [{ Environment: { Variables: { AWS_REGION: 'x' } } }, { name: 'InvalidParameterValueException', status: 400, message: `${RESERVED_KEYS_MESSAGE}AWS_REGION` }],
      [{ Environment: { Variables: { BIG: 'x'.repeat(5000) } } }, { name: 'InvalidParameterValueException', status: 400, message: /exceeded the 4KB limit/ }],
      [{ DeadLetterConfig: { TargetArn: 'garbage' } }, {
        name: 'ValidationException', status: 400,
        message: "1 validation error detected: Value 'garbage' at 'deadLetterConfig.targetArn' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()",
      }],
      [{ DeadLetterConfig: { TargetArn: 'arn:aws:s3:::bucket' } }, { name: 'InvalidParameterValueException', status: 400, message: /must be an Amazon SQS queue or an Amazon SNS topic/ }],
    ];
    for (const [change, want] of cases) {
      await expectAwsError(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Description: 'must not stick', ...change })), want);
    }
    const conf = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    assert.equal(conf.RevisionId, c.RevisionId);
    assert.equal(conf.LastModified, c.LastModified);
    assert.equal(conf.Description, '');
    assert.equal(conf.Timeout, 5);
    assert.deepEqual(conf.Environment?.Variables, { KEEP: 'yes' });
    assert.deepEqual((await invokeJson(lambda, name)).body, { keep: 'yes' });
  });

  test('UpdateFunctionCode with a bad zip → 400, same CodeSha256 and RevisionId, old code still runs', async () => {
    const name = uniqueName('upd-zip');
    const c = await lambda.send(new CreateFunctionCommand(createInput(name, { Code: { ZipFile: zipOf({ 'index.js': 'exports.handler = async () => "old";' }) } })));
    const before = dataFiles();
    await expectAwsError(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: Buffer.from('PK\x03\x04 garbage') })), {
      name: 'InvalidParameterValueException', status: 400, message: 'Could not unzip uploaded file. Please check your file, then try to upload again.',
    });
    assert.deepEqual(dataFiles(), before);
    const conf = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    assert.equal(conf.CodeSha256, c.CodeSha256);
    assert.equal(conf.RevisionId, c.RevisionId);
    assert.equal((await invokeJson(lambda, name)).body, 'old');
  });

  test('updates of a function that does not exist → 404 and do not create it', async () => {
    const name = uniqueName('upd-missing');
    const notFound = { name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${arnOf(name)}` };
    await expectAwsError(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Timeout: 10 })), notFound);
    await expectAwsError(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zipOf({ 'index.js': HANDLER }) })), notFound);
    await expectAwsError(lambda.send(new GetFunctionCommand({ FunctionName: name })), notFound);
  });
});

describe('lookup errors', () => {
  test('Get / GetConfiguration of a missing function or version → 404 naming the ARN; invalid name → 400 ValidationException', async () => {
    const name = uniqueName('get-missing');
    await expectAwsError(lambda.send(new GetFunctionCommand({ FunctionName: name })), {
      name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${arnOf(name)}`,
    });
    await expectAwsError(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: arnOf(name) })), {
      name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${arnOf(name)}`,
    });
    const existing = uniqueName('get-ver');
    await lambda.send(new CreateFunctionCommand(createInput(existing)));
    await expectAwsError(lambda.send(new GetFunctionCommand({ FunctionName: existing, Qualifier: '7' })), {
      name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${arnOf(existing, '7')}`,
    });
    await expectAwsError(lambda.send(new GetFunctionCommand({ FunctionName: 'bad name!' })), {
      name: 'ValidationException', status: 400, message: /Value 'bad name!' at 'functionName' failed to satisfy constraint/,
    });
  });
});

describe('Invoke errors', () => {
  let fn: string;
  /** Invocations that did run in the function's one warm environment (its module counter). */
  let runs = 0;
  before(async () => {
    fn = uniqueName('inv-err');
    await lambda.send(new CreateFunctionCommand(createInput(fn)));
    const first = await invokeJson(lambda, fn, { warm: true });
    assert.equal(first.body.n, ++runs);
  });

  /** An invocation expected to run. */
  async function run(input: Omit<ConstructorParameters<typeof InvokeCommand>[0], 'FunctionName'> & { FunctionName?: string }) {
    const out = await lambda.send(new InvokeCommand({ FunctionName: fn, ...input }));
    runs++;
    return out;
  }

  /** Sequential invocations reuse the one warm environment, so its counter shows whether rejected calls ran. */
  async function assertRunCount(): Promise<void> {
    const r = await invokeJson(lambda, fn, { probe: true });
    runs++;
    assert.equal(r.body.n, runs, 'rejected invocations never reach the function');
  }

  test('missing function → 404 ResourceNotFoundException `Function not found: <arn>` (by name and by ARN)', async () => {
    const name = uniqueName('inv-missing');
    await expectAwsError(invokeJson(lambda, name), { name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${arnOf(name)}` });
    await expectAwsError(invokeJson(lambda, arnOf(name)), { name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${arnOf(name)}` });
    await expectAwsError(invokeJson(lambda, fn, {}, { qualifier: '3' }), {
      name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${arnOf(fn, '3')}`,
    });
  });

  test('non-JSON payload → 400 InvalidRequestContentException', async () => {
    for (const payload of ['not json', '{"a":', "{'single':'quotes'}"]) {
      await expectAwsError(lambda.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from(payload) })), {
        name: 'InvalidRequestContentException', status: 400, message: /^Could not parse request body into json: Could not parse payload into json/,
      });
    }
    await assertRunCount();
  });

  test('payload over 6 MB → 413 RequestTooLargeException; a payload just under the limit runs', async () => {
    const over = Buffer.from(JSON.stringify('x'.repeat(6 * 1024 * 1024 + 10)));
    await expectAwsError(lambda.send(new InvokeCommand({ FunctionName: fn, Payload: over })), {
      name: 'RequestTooLargeException', status: 413, message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
    });
    const under = Buffer.from(JSON.stringify({ s: 'y'.repeat(6 * 1024 * 1024 - 1000) }));
    const big = await run({ Payload: under });
    assert.equal(big.StatusCode, 200);
    assert.equal(big.FunctionError, undefined, Buffer.from(big.Payload ?? []).toString().slice(0, 300));
    // The function echoes the event back (about 6 MB), so the response is within the limit too.
    assert.equal(JSON.parse(Buffer.from(big.Payload!).toString()).event.s.length, 6 * 1024 * 1024 - 1000);
    await assertRunCount();
  });

  test('qualifier in the name and Qualifier parameter disagree → 400 InvalidParameterValueException', async () => {
    await expectAwsError(lambda.send(new InvokeCommand({ FunctionName: `${fn}:$LATEST`, Qualifier: 'prod', Payload: Buffer.from('{}') })), {
      name: 'InvalidParameterValueException', status: 400, message: 'The derived qualifier from the function name does not match the specified qualifier.',
    });
    await expectAwsError(lambda.send(new GetFunctionCommand({ FunctionName: `${arnOf(fn)}:$LATEST`, Qualifier: '1' })), {
      name: 'InvalidParameterValueException', status: 400, message: 'The derived qualifier from the function name does not match the specified qualifier.',
    });
    // Agreeing qualifiers are fine.
    const ok = await run({ FunctionName: `${fn}:$LATEST`, Qualifier: '$LATEST', Payload: Buffer.from('{}') });
    assert.equal(ok.FunctionError, undefined);
    await assertRunCount();
  });

  test('invalid InvocationType / LogType → 400 ValidationException', async () => {
    await expectAwsError(lambda.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Sometimes' as never, Payload: Buffer.from('{}') })), {
      name: 'ValidationException', status: 400,
      message: "1 validation error detected: Value 'Sometimes' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]",
    });
    await expectAwsError(lambda.send(new InvokeCommand({ FunctionName: fn, LogType: 'Everything' as never, Payload: Buffer.from('{}') })), {
      name: 'ValidationException', status: 400, message: /Value 'Everything' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: \[None, Tail\]/,
    });
    await assertRunCount();
  });

  test('ClientContext that is not base64 JSON → 400 InvalidRequestContentException', async () => {
    await expectAwsError(lambda.send(new InvokeCommand({ FunctionName: fn, ClientContext: Buffer.from('not json').toString('base64'), Payload: Buffer.from('{}') })), {
      name: 'InvalidRequestContentException', status: 400, message: 'Client context must be a valid Base64-encoded JSON object.',
    });
    await assertRunCount();
  });

  test('invalid function name in the path → 400 ValidationException', async () => {
    await expectAwsError(invokeJson(lambda, 'bad name!'), {
      name: 'ValidationException', status: 400, message: /Value 'bad name!' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    });
    await assertRunCount();
  });
});

// Invoke (RequestResponse / DryRun) through the SDK: payloads, headers, function errors, log tails, the context
// object and the process environment a function sees (lambda-api.md §6, runtime-api.md §5-7).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { startServer, uniqueName } from '../helpers/server.js';
import { deploy, invokeJson } from '../helpers/functions.js';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const arnOf = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Set in the test process before the server starts: functions must not inherit lambkin's environment.
process.env.LAMBKIN_TEST_MUST_NOT_LEAK = 'leaked';

let srv: Awaited<ReturnType<typeof startServer>>;
let lambda: LambdaClient;
before(async () => {
  srv = await startServer();
  lambda = srv.lambda;
});
after(() => srv?.close());

/** A function that reports what it received: event, context (minus functions) and remaining time. */
const INTROSPECT = `
exports.handler = async (event, context) => {
  const { succeed, fail, done, getRemainingTimeInMillis, ...fields } = context;
  return {
    event,
    context: fields,
    remaining: getRemainingTimeInMillis(),
    hasCallbacks: [typeof succeed, typeof fail, typeof done, typeof getRemainingTimeInMillis],
    cwd: process.cwd(),
    env: { ...process.env },
  };
};`;

describe('RequestResponse', () => {
  let echo: string;
  before(async () => {
    echo = await deploy(lambda, { 'index.js': INTROSPECT }, { timeout: 5, memorySize: 256 });
  });

  test('returns the handler result with 200, X-Amz-Executed-Version $LATEST and a request id', async () => {
    const event = { hello: 'world', n: [1, 2, 3], nested: { ok: true }, unicode: 'héllo ✓' };
    const r = await invokeJson(lambda, echo, event);
    assert.equal(r.out.StatusCode, 200);
    assert.equal(r.out.$metadata.httpStatusCode, 200);
    assert.equal(r.out.ExecutedVersion, '$LATEST');
    assert.equal(r.out.FunctionError, undefined);
    assert.equal(r.out.LogResult, undefined, 'no log tail unless asked');
    assert.match(r.out.$metadata.requestId!, UUID);
    assert.deepEqual(r.body.event, event);
  });

  test('result shapes: string, number, null for undefined, array', async () => {
    const name = await deploy(lambda, {
      'index.js': `exports.handler = async (e) => ({ str: 'text', num: 42, undef: undefined, arr: [1, 'a'] })[e.kind];`,
    });
    assert.equal((await invokeJson(lambda, name, { kind: 'str' })).text, '"text"');
    assert.equal((await invokeJson(lambda, name, { kind: 'num' })).text, '42');
    assert.equal((await invokeJson(lambda, name, { kind: 'undef' })).text, 'null');
    assert.equal((await invokeJson(lambda, name, { kind: 'arr' })).text, '[1,"a"]');
  });

  test('an empty payload reaches the handler as {}', async () => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: echo }));
    assert.equal(out.StatusCode, 200);
    const body = JSON.parse(Buffer.from(out.Payload!).toString());
    assert.deepEqual(body.event, {});
  });

  test('non-object JSON payloads reach the handler unchanged', async () => {
    for (const value of [42, 'a string', [1, 2], null, true]) {
      const r = await invokeJson(lambda, echo, value);
      assert.deepEqual(r.body.event, value);
    }
  });

  test('DryRun → 204 with no payload and the function does not run', async () => {
    const name = await deploy(lambda, { 'index.js': 'let n = 0; exports.handler = async () => ++n;' });
    assert.equal((await invokeJson(lambda, name)).body, 1);
    const dry = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'DryRun', Payload: Buffer.from('{}') }));
    assert.equal(dry.StatusCode, 204);
    assert.equal(dry.$metadata.httpStatusCode, 204);
    assert.equal(dry.Payload?.length ?? 0, 0);
    assert.equal((await invokeJson(lambda, name)).body, 2, 'DryRun did not run the handler');
  });
});

describe('function errors', () => {
  test('a thrown Error → 200, FunctionError Unhandled, {errorType, errorMessage, trace}', async () => {
    const name = await deploy(lambda, {
      'index.js': `exports.handler = async () => { const e = new TypeError('boom: bad thing'); throw e; };`,
    });
    const r = await invokeJson(lambda, name);
    assert.equal(r.out.StatusCode, 200);
    assert.equal(r.out.FunctionError, 'Unhandled');
    assert.equal(r.out.ExecutedVersion, '$LATEST');
    assert.equal(r.body.errorType, 'TypeError');
    assert.equal(r.body.errorMessage, 'boom: bad thing');
    assert.ok(Array.isArray(r.body.trace), 'trace is an array of stack lines');
    assert.equal(r.body.trace[0], 'TypeError: boom: bad thing');
    assert.ok(r.body.trace.some((l: string) => /index\.js:\d+:\d+/.test(l)), `trace points into index.js: ${r.body.trace}`);
  });

  test('a custom error class keeps its name as errorType', async () => {
    const name = await deploy(lambda, {
      'index.js': `class NotReady extends Error { constructor(m) { super(m); this.name = 'NotReady'; } }
        exports.handler = async () => { throw new NotReady('later'); };`,
    });
    const r = await invokeJson(lambda, name);
    assert.equal(r.out.FunctionError, 'Unhandled');
    assert.equal(r.body.errorType, 'NotReady');
    assert.equal(r.body.errorMessage, 'later');
  });

  test('the environment survives a handled function error (warm reuse continues)', async () => {
    const name = await deploy(lambda, {
      'index.js': `let n = 0; exports.handler = async (e) => { n++; if (e.fail) throw new Error('fail ' + n); return n; };`,
    });
    assert.equal((await invokeJson(lambda, name, {})).body, 1);
    const failed = await invokeJson(lambda, name, { fail: true });
    assert.equal(failed.out.FunctionError, 'Unhandled');
    assert.equal(failed.body.errorMessage, 'fail 2');
    assert.equal((await invokeJson(lambda, name, {})).body, 3);
  });
});

describe('LogType Tail', () => {
  test('X-Amz-Log-Result has START, the console lines, END and REPORT of this invocation', async () => {
    const name = await deploy(lambda, {
      'index.js': `exports.handler = async (e) => { console.log('hello from', e.who); console.error('an error line'); console.warn('careful'); return 'ok'; };`,
    }, { memorySize: 192 });
    const r = await invokeJson(lambda, name, { who: 'tail-test' }, { tail: true });
    const id = r.out.$metadata.requestId!;
    assert.equal(r.body, 'ok');
    const lines = r.log.split('\n').filter(Boolean);
    assert.equal(lines[0], `START RequestId: ${id} Version: $LATEST`, r.log);
    const info = lines.find((l) => l.includes('hello from tail-test'));
    assert.ok(info, `console.log line in the tail:\n${r.log}`);
    assert.match(info, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t${id}\\tINFO\\thello from tail-test$`));
    assert.ok(lines.some((l) => new RegExp(`\\t${id}\\tERROR\\tan error line$`).test(l)), r.log);
    assert.ok(lines.some((l) => new RegExp(`\\t${id}\\tWARN\\tcareful$`).test(l)), r.log);
    const endIndex = lines.indexOf(`END RequestId: ${id}`);
    assert.ok(endIndex > 0, `END line:\n${r.log}`);
    const report = lines[endIndex + 1];
    assert.ok(report, 'REPORT follows END');
    assert.match(report, new RegExp(`^REPORT RequestId: ${id}\\tDuration: \\d+\\.\\d\\d ms\\tBilled Duration: \\d+ ms\\tMemory Size: 192 MB\\tMax Memory Used: \\d+ MB\\t`));
    assert.ok(lines.indexOf(info) < endIndex, 'console output comes before END');
  });

  test('the first (cold) invocation reports Init Duration; a warm one does not; a failed one reports its status', async () => {
    const name = await deploy(lambda, { 'index.js': `exports.handler = async (e) => { if (e.fail) throw new Error('x'); return 1; };` });
    const cold = await invokeJson(lambda, name, {}, { tail: true });
    assert.match(cold.log, /\tInit Duration: \d+\.\d\d ms\t/);
    const warm = await invokeJson(lambda, name, {}, { tail: true });
    assert.doesNotMatch(warm.log, /Init Duration/);
    assert.ok(!warm.log.includes(cold.out.$metadata.requestId!), 'the tail holds only this invocation');
    const failed = await invokeJson(lambda, name, { fail: true }, { tail: true });
    assert.match(failed.log, /\tStatus: error\t/);
    assert.match(failed.log, new RegExp(`\\t${failed.out.$metadata.requestId}\\tERROR\\tInvoke Error \\t\\{"errorType":"Error","errorMessage":"x"`));
  });

  test('output written without a final newline belongs to the invocation that wrote it', async () => {
    const name = await deploy(lambda, {
      'index.js': `exports.handler = async (e) => { process.stdout.write('partial-' + e.n); return e.n; };`,
    });
    for (const n of [1, 2]) {
      const r = await invokeJson(lambda, name, { n }, { tail: true });
      const lines = r.log.split('\n');
      const end = lines.indexOf(`END RequestId: ${r.out.$metadata.requestId}`);
      assert.equal(lines.indexOf(`partial-${n}`), end - 1, r.log);
      assert.ok(!r.log.includes(`partial-${n - 1}`), `only this invocation's output:\n${r.log}`);
    }
  });

  test('the tail is the last 4 KB of a longer log', async () => {
    const name = await deploy(lambda, {
      'index.js': `exports.handler = async () => { for (let i = 0; i < 200; i++) console.log('line ' + i + ' ' + 'x'.repeat(60)); return 'done'; };`,
    });
    const r = await invokeJson(lambda, name, {}, { tail: true });
    const raw = Buffer.from(r.out.LogResult!, 'base64');
    assert.ok(raw.length <= 4096, `tail is ${raw.length} bytes`);
    assert.ok(raw.length > 3500, `tail is nearly 4 KB (${raw.length} bytes)`);
    assert.match(r.log, /line 199 x+/);
    assert.doesNotMatch(r.log, /line 0 x/);
    assert.match(r.log.trimEnd().split('\n').at(-1)!, /^REPORT RequestId: /);
  });
});

describe('context', () => {
  test('fields: awsRequestId = response request id, names, ARN as invoked, memory, log group/stream, remaining time', async () => {
    const name = await deploy(lambda, { 'index.js': INTROSPECT }, { timeout: 5, memorySize: 256 });
    const r = await invokeJson(lambda, name, { a: 1 });
    const ctx = r.body.context;
    assert.equal(ctx.awsRequestId, r.out.$metadata.requestId);
    assert.match(ctx.awsRequestId, UUID);
    assert.equal(ctx.functionName, name);
    assert.equal(ctx.functionVersion, '$LATEST');
    assert.equal(ctx.invokedFunctionArn, arnOf(name));
    assert.equal(ctx.memoryLimitInMB, '256');
    assert.equal(ctx.logGroupName, `/aws/lambda/${name}`);
    assert.match(ctx.logStreamName, /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.equal(ctx.callbackWaitsForEmptyEventLoop, true);
    assert.deepEqual(r.body.hasCallbacks, ['function', 'function', 'function', 'function']);
    assert.ok(r.body.remaining > 0 && r.body.remaining <= 5000, `getRemainingTimeInMillis() = ${r.body.remaining}`);
    assert.ok(r.body.remaining > 3000, `most of the 5 s timeout is left at the start (${r.body.remaining})`);
    const today = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10).replaceAll('-', '/');
    assert.ok(ctx.logStreamName.startsWith(today) || ctx.logStreamName.startsWith(yesterday), ctx.logStreamName);

    // Each invocation has its own id; the log stream belongs to the environment and stays.
    const again = await invokeJson(lambda, name, {});
    assert.equal(again.body.context.awsRequestId, again.out.$metadata.requestId);
    assert.notEqual(again.body.context.awsRequestId, ctx.awsRequestId);
    assert.equal(again.body.context.logStreamName, ctx.logStreamName);
  });

  test('invokedFunctionArn is the ARN as invoked: unqualified, :$LATEST, partial ARN, Qualifier parameter', async () => {
    const name = await deploy(lambda, { 'index.js': `exports.handler = async (e, c) => c.invokedFunctionArn;` });
    assert.equal((await invokeJson(lambda, name)).body, arnOf(name));
    assert.equal((await invokeJson(lambda, `${name}:$LATEST`)).body, `${arnOf(name)}:$LATEST`);
    assert.equal((await invokeJson(lambda, arnOf(name))).body, arnOf(name));
    assert.equal((await invokeJson(lambda, `${ACCOUNT}:function:${name}`)).body, arnOf(name));
    assert.equal((await invokeJson(lambda, name, {}, { qualifier: '$LATEST' })).body, `${arnOf(name)}:$LATEST`);
  });

  test('ClientContext (base64 JSON) reaches context.clientContext', async () => {
    const name = await deploy(lambda, { 'index.js': `exports.handler = async (e, c) => ({ cc: c.clientContext ?? 'absent' });` });
    const clientContext = {
      client: { installation_id: 'inst-1', app_title: 'Lambkin Test', app_version_name: '1.0', app_version_code: '1', app_package_name: 'dev.lambkin' },
      custom: { user: 'alice', n: 3 },
      env: { platform: 'linux', make: 'x', model: 'y', locale: 'en_GB' },
    };
    const out = await lambda.send(new InvokeCommand({
      FunctionName: name, Payload: Buffer.from('{}'), ClientContext: Buffer.from(JSON.stringify(clientContext)).toString('base64'),
    }));
    assert.deepEqual(JSON.parse(Buffer.from(out.Payload!).toString()).cc, clientContext);
    // Without one, the next invocation (same warm environment) sees none.
    assert.equal((await invokeJson(lambda, name)).body.cc, 'absent');
  });
});

describe('process environment', () => {
  test('standard variables, user variables, no leak of lambkin\'s own environment', async () => {
    const name = uniqueName('envvars');
    await deploy(lambda, { 'index.js': INTROSPECT }, {
      name, memorySize: 320, handler: 'index.handler', runtime: 'nodejs22.x', environment: { MY_SETTING: 'on', OTHER_ONE: 'x=y;z' },
    });
    const r = await invokeJson(lambda, name);
    const env = r.body.env as Record<string, string>;
    assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, name);
    assert.equal(env.AWS_LAMBDA_FUNCTION_VERSION, '$LATEST');
    assert.equal(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '320');
    assert.equal(env.AWS_LAMBDA_LOG_GROUP_NAME, `/aws/lambda/${name}`);
    assert.equal(env.AWS_LAMBDA_LOG_STREAM_NAME, r.body.context.logStreamName);
    assert.equal(env.AWS_LAMBDA_INITIALIZATION_TYPE, 'on-demand');
    assert.equal(env.AWS_REGION, REGION);
    assert.equal(env.AWS_DEFAULT_REGION, REGION);
    assert.equal(env.AWS_EXECUTION_ENV, 'AWS_Lambda_nodejs22.x');
    assert.equal(env._HANDLER, 'index.handler');
    assert.ok(env.LAMBDA_TASK_ROOT, 'LAMBDA_TASK_ROOT is set');
    assert.equal(env.LAMBDA_TASK_ROOT, r.body.cwd, 'the function runs in its task root');
    assert.ok(env.LAMBDA_RUNTIME_DIR, 'LAMBDA_RUNTIME_DIR is set');
    assert.match(env.AWS_LAMBDA_RUNTIME_API!, /^127\.0\.0\.1:\d+$/);
    assert.notEqual(env.AWS_LAMBDA_RUNTIME_API, new URL(srv.url).host, 'the Runtime API is the environment\'s own endpoint, not the public one');
    assert.equal(env.AWS_ENDPOINT_URL, srv.url);
    assert.ok(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY, 'credentials for SDK calls back into lambkin');
    assert.equal(env.TZ, ':UTC');
    assert.equal(env.LANG, 'en_US.UTF-8');
    assert.match(env._X_AMZN_TRACE_ID!, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=[01]/);
    assert.equal(env.MY_SETTING, 'on');
    assert.equal(env.OTHER_ONE, 'x=y;z');
    assert.equal(env.LAMBKIN_TEST_MUST_NOT_LEAK, undefined, 'lambkin\'s own environment does not reach functions');
    assert.equal(env._LAMBKIN_CLAIM, undefined, 'no lambkin-internal variables');
  });

  test('user variables may override unreserved defaults such as TZ', async () => {
    const name = await deploy(lambda, { 'index.js': `exports.handler = async () => process.env.TZ;` }, { environment: { TZ: 'Europe/Paris' } });
    assert.equal((await invokeJson(lambda, name)).body, 'Europe/Paris');
  });

  test('each invocation gets its own trace id in _X_AMZN_TRACE_ID', async () => {
    const name = await deploy(lambda, { 'index.js': `exports.handler = async () => process.env._X_AMZN_TRACE_ID;` });
    const a = (await invokeJson(lambda, name)).body;
    const b = (await invokeJson(lambda, name)).body;
    assert.match(a, /^Root=1-/);
    assert.notEqual(a, b);
  });
});

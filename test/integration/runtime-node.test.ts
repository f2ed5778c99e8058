// The Node.js runtime: module formats and handler paths, callback handlers, context.succeed/fail, init errors
// (each then fixed with UpdateFunctionCode), and the AWS SDK v3 provided to functions (runtime-api.md §6).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { startServer } from '../helpers/server.js';
import { deploy, invokeJson, type Invoked } from '../helpers/functions.js';
import { zipOf } from '../helpers/zip.js';

let srv: Awaited<ReturnType<typeof startServer>>;
let lambda: LambdaClient;
before(async () => {
  srv = await startServer();
  lambda = srv.lambda;
});
after(() => srv?.close());

function assertOk(r: Invoked, what: string): void {
  assert.equal(r.out.StatusCode, 200, what);
  assert.equal(r.out.FunctionError, undefined, `${what}: ${r.text.slice(0, 800)}`);
}

describe('module formats and handler paths', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['CommonJS index.js', { 'index.js': `exports.handler = async (e) => ({ format: 'cjs', got: e.v, isModule: typeof require === 'function' });` }, 'index.handler'],
    ['ES module .mjs', { 'index.mjs': `export const handler = async (e) => ({ format: 'esm', got: e.v, isModule: typeof require === 'function' });` }, 'index.handler'],
    ['.cjs', { 'index.cjs': `module.exports.handler = async (e) => ({ format: 'cjs', got: e.v, isModule: typeof require === 'function' });` }, 'index.handler'],
    ['.js with "type":"module"', {
      'package.json': JSON.stringify({ name: 'esm-fn', type: 'module' }),
      'index.js': `import { sep } from 'node:path';\nexport const handler = async (e) => ({ format: 'esm', got: e.v, isModule: typeof require === 'function', sep });`,
    }, 'index.handler'],
    ['nested src/app.handler (CommonJS)', {
      'src/app.js': `const helper = require('./lib/helper');\nexports.handler = async (e) => ({ format: 'cjs', got: helper(e.v), isModule: typeof require === 'function' });`,
      'src/lib/helper.js': `module.exports = (v) => v;`,
    }, 'src/app.handler'],
    ['nested src/handlers/api.main (ESM .mjs importing a sibling)', {
      'src/handlers/api.mjs': `import { id } from './util.mjs';\nexport async function main(e) { return { format: 'esm', got: id(e.v), isModule: typeof require === 'function' }; }`,
      'src/handlers/util.mjs': `export const id = (v) => v;`,
    }, 'src/handlers/api.main'],
    ['dotted property path index.handlers.get', {
      'index.js': `exports.handlers = { get: async (e) => ({ format: 'cjs', got: e.v, isModule: typeof require === 'function' }) };`,
    }, 'index.handlers.get'],
    ['ESM with top-level await', {
      'index.mjs': `const ready = await new Promise((r) => setTimeout(() => r('awaited'), 20));\nexport const handler = async (e) => ({ format: 'esm', got: e.v, isModule: typeof require === 'function', ready });`,
    }, 'index.handler'],
  ];
  for (const [label, files, handler] of cases) {
    test(label, async () => {
      const name = await deploy(lambda, files, { handler });
      const r = await invokeJson(lambda, name, { v: label });
      assertOk(r, label);
      assert.equal(r.body.got, label);
      assert.equal(r.body.isModule, r.body.format === 'cjs', `${label}: require() exists only in CommonJS`);
      if (label.includes('top-level await')) assert.equal(r.body.ready, 'awaited');
      if (label.includes('"type":"module"')) assert.equal(r.body.sep, '/');
    });
  }

  test('with "type":"module", a .cjs handler still loads as CommonJS', async () => {
    const name = await deploy(lambda, {
      'package.json': JSON.stringify({ type: 'module' }),
      'index.cjs': `exports.handler = async () => typeof module;`,
    });
    const r = await invokeJson(lambda, name);
    assertOk(r, '.cjs under type module');
    assert.equal(r.body, 'object');
  });
});

describe('callback-style handlers', () => {
  test('callback(null, result) and callback(error)', async () => {
    const name = await deploy(lambda, {
      'index.js': `exports.handler = (e, ctx, cb) => { if (e.fail) cb(new Error('cb failed')); else cb(null, { via: 'callback', v: e.v }); };`,
    });
    const ok = await invokeJson(lambda, name, { v: 7 });
    assertOk(ok, 'callback success');
    assert.deepEqual(ok.body, { via: 'callback', v: 7 });
    const bad = await invokeJson(lambda, name, { fail: true });
    assert.equal(bad.out.FunctionError, 'Unhandled');
    assert.equal(bad.body.errorType, 'Error');
    assert.equal(bad.body.errorMessage, 'cb failed');
  });

  test('callbackWaitsForEmptyEventLoop = true (default): the response waits for a pending timer', async () => {
    // The result object is mutated by a timer after callback(): with waiting, the runtime serialises it only once
    // the event loop is empty, so the caller sees the mutation.
    const name = await deploy(lambda, {
      'index.js': `exports.handler = (e, ctx, cb) => {
        const result = { timerFired: false, waits: ctx.callbackWaitsForEmptyEventLoop };
        setTimeout(() => { result.timerFired = true; }, 150);
        cb(null, result);
      };`,
    });
    const r = await invokeJson(lambda, name);
    assertOk(r, 'waits=true');
    assert.deepEqual(r.body, { timerFired: true, waits: true });
  });

  test('callbackWaitsForEmptyEventLoop = false: the response goes at once; the environment stays usable', async () => {
    const name = await deploy(lambda, {
      'index.js': `let fired = 0;
        exports.handler = (e, ctx, cb) => {
          ctx.callbackWaitsForEmptyEventLoop = false;
          const result = { timerFired: false, firedBefore: fired };
          setTimeout(() => { result.timerFired = true; fired++; }, 150);
          cb(null, result);
        };`,
    });
    const r = await invokeJson(lambda, name);
    assertOk(r, 'waits=false');
    assert.equal(r.body.timerFired, false);
    assert.equal(r.body.firedBefore, 0);
    const r2 = await invokeJson(lambda, name);
    assertOk(r2, 'second call after waits=false');
    assert.equal(r2.body.timerFired, false);
  });

  test('a plain (non-async) handler returning a value without calling back answers null', async () => {
    const name = await deploy(lambda, { 'index.js': `exports.handler = (e, ctx, cb) => 'ignored';` });
    const r = await invokeJson(lambda, name);
    assertOk(r, 'no callback');
    assert.equal(r.text, 'null');
  });

  test('the first of callback / succeed / promise wins; later calls are ignored', async () => {
    const name = await deploy(lambda, {
      'index.js': `exports.handler = (e, ctx, cb) => { ctx.callbackWaitsForEmptyEventLoop = false; cb(null, 'first'); cb(null, 'second'); ctx.succeed('third'); };`,
    });
    const r = await invokeJson(lambda, name);
    assertOk(r, 'first wins');
    assert.equal(r.body, 'first');
  });
});

describe('context.succeed / fail / done', () => {
  test('succeed(value), fail(error), fail() and done(err, value)', async () => {
    const name = await deploy(lambda, {
      'index.js': `exports.handler = (e, ctx) => {
        switch (e.mode) {
          case 'succeed': return ctx.succeed({ ok: true });
          case 'fail': return ctx.fail(new RangeError('out of range'));
          case 'fail-empty': return ctx.fail();
          case 'fail-string': return ctx.fail('just text');
          case 'done-ok': return ctx.done(null, 'done value');
          case 'done-err': return ctx.done(new Error('done error'));
        }
      };`,
    });
    const s = await invokeJson(lambda, name, { mode: 'succeed' });
    assertOk(s, 'succeed');
    assert.deepEqual(s.body, { ok: true });

    const f = await invokeJson(lambda, name, { mode: 'fail' });
    assert.equal(f.out.FunctionError, 'Unhandled');
    assert.equal(f.body.errorType, 'RangeError');
    assert.equal(f.body.errorMessage, 'out of range');

    const fe = await invokeJson(lambda, name, { mode: 'fail-empty' });
    assert.equal(fe.out.FunctionError, 'Unhandled');
    assert.deepEqual({ type: fe.body.errorType, message: fe.body.errorMessage }, { type: 'string', message: 'handled' });

    const fs = await invokeJson(lambda, name, { mode: 'fail-string' });
    assert.deepEqual(fs.body, { errorType: 'string', errorMessage: 'just text', trace: [] });

    const d = await invokeJson(lambda, name, { mode: 'done-ok' });
    assertOk(d, 'done');
    assert.equal(d.body, 'done value');

    const de = await invokeJson(lambda, name, { mode: 'done-err' });
    assert.equal(de.out.FunctionError, 'Unhandled');
    assert.equal(de.body.errorMessage, 'done error');
  });
});

describe('thrown non-Error values', () => {
  test('throw "text" / throw 42 / reject with an object → errorType typeof value, errorMessage String(value), empty trace', async () => {
    const name = await deploy(lambda, {
      'index.js': `exports.handler = async (e) => {
        if (e.kind === 'string') throw 'plain text';
        if (e.kind === 'number') throw 42;
        return Promise.reject({ toString() { return 'custom object'; } });
      };`,
    });
    const str = await invokeJson(lambda, name, { kind: 'string' });
    assert.equal(str.out.FunctionError, 'Unhandled');
    assert.deepEqual(str.body, { errorType: 'string', errorMessage: 'plain text', trace: [] });
    const num = await invokeJson(lambda, name, { kind: 'number' });
    assert.deepEqual(num.body, { errorType: 'number', errorMessage: '42', trace: [] });
    const obj = await invokeJson(lambda, name, { kind: 'object' });
    assert.deepEqual(obj.body, { errorType: 'object', errorMessage: 'custom object', trace: [] });
  });
});

describe('init errors, each fixed by UpdateFunctionCode', () => {
  const fixed = { 'index.js': `exports.handler = async () => 'fixed';` };

  async function expectInitErrorThenFix(files: Record<string, string>, errorType: string, message: RegExp, handler = 'index.handler'): Promise<void> {
    const name = await deploy(lambda, files, { handler });
    const r = await invokeJson(lambda, name, {}, { tail: true });
    assert.equal(r.out.StatusCode, 200);
    assert.equal(r.out.FunctionError, 'Unhandled', r.text);
    assert.equal(r.body.errorType, errorType, r.text);
    assert.match(r.body.errorMessage, message);
    assert.ok(Array.isArray(r.body.trace), `trace in ${r.text}`);
    assert.match(r.log, new RegExp(`REPORT RequestId: ${r.out.$metadata.requestId}`), `log tail of the failed init:\n${r.log}`);
    // Still broken on a second try: the environment is re-initialised and fails the same way.
    const again = await invokeJson(lambda, name);
    assert.equal(again.body.errorType, errorType);
    // Fix the code; the next invoke works.
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zipOf(fixed) }));
    if (handler !== 'index.handler') await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Handler: 'index.handler' }));
    const ok = await invokeJson(lambda, name);
    assertOk(ok, `after fixing ${errorType}`);
    assert.equal(ok.body, 'fixed');
  }

  test('a missing dependency → Runtime.ImportModuleError', () =>
    expectInitErrorThenFix({ 'index.js': `const dep = require('no-such-package-xyz');\nexports.handler = async () => dep;` },
      'Runtime.ImportModuleError', /^Error: Cannot find module 'no-such-package-xyz'/));

  test('a missing ESM dependency → Runtime.ImportModuleError', () =>
    expectInitErrorThenFix({ 'index.mjs': `import dep from 'no-such-esm-package';\nexport const handler = async () => dep;` },
      'Runtime.ImportModuleError', /no-such-esm-package/));

  test('a missing handler module → Runtime.ImportModuleError', () =>
    expectInitErrorThenFix({ 'other.js': `exports.handler = async () => 1;` }, 'Runtime.ImportModuleError', /^Error: Cannot find module 'index'/));

  test('a syntax error → Runtime.UserCodeSyntaxError', () =>
    expectInitErrorThenFix({ 'index.js': `exports.handler = async () => { return {;` }, 'Runtime.UserCodeSyntaxError', /^SyntaxError: /));

  test('a syntax error in an ES module → Runtime.UserCodeSyntaxError', () =>
    expectInitErrorThenFix({ 'index.mjs': `export const handler = async () => { retur n 1 };` }, 'Runtime.UserCodeSyntaxError', /^SyntaxError: /));

  test('a missing export → Runtime.HandlerNotFound', () =>
    expectInitErrorThenFix({ 'index.js': `exports.somethingElse = async () => 1;` }, 'Runtime.HandlerNotFound', /^index\.handler is undefined or not exported$/));

  test('an export that is not a function → Runtime.HandlerNotFound', () =>
    expectInitErrorThenFix({ 'index.js': `exports.handler = 'not a function';` }, 'Runtime.HandlerNotFound', /^index\.handler is not a function$/));

  test('a module that throws while loading → its own error type', () =>
    expectInitErrorThenFix({ 'index.js': `throw new Error('config missing');\nexports.handler = async () => 1;` }, 'Error', /^config missing$/));

  test('a malformed handler string → Runtime.MalformedHandlerName', () =>
    expectInitErrorThenFix({ 'index.js': `exports.handler = async () => 1;` }, 'Runtime.MalformedHandlerName', /^Bad handler$/, 'nodots'));
});

describe('AWS SDK v3 provided to functions', () => {
  test('require() of the provided clients works without bundling them', async () => {
    const name = await deploy(lambda, {
      'index.js': `exports.handler = async () => {
        const out = {};
        for (const [pkg, cls] of [
          ['@aws-sdk/client-lambda', 'LambdaClient'], ['@aws-sdk/client-sqs', 'SQSClient'], ['@aws-sdk/client-s3', 'S3Client'],
          ['@aws-sdk/client-sns', 'SNSClient'], ['@aws-sdk/client-eventbridge', 'EventBridgeClient'],
          ['@aws-sdk/client-dynamodb', 'DynamoDBClient'], ['@aws-sdk/lib-dynamodb', 'DynamoDBDocumentClient'],
        ]) out[pkg] = typeof require(pkg)[cls];
        out['@aws-sdk/core'] = typeof require('@aws-sdk/core');
        return out;
      };`,
    }, { timeout: 30 });
    const r = await invokeJson(lambda, name);
    assertOk(r, 'require SDK');
    assert.deepEqual(r.body, {
      '@aws-sdk/client-lambda': 'function', '@aws-sdk/client-sqs': 'function', '@aws-sdk/client-s3': 'function',
      '@aws-sdk/client-sns': 'function', '@aws-sdk/client-eventbridge': 'function', '@aws-sdk/client-dynamodb': 'function',
      '@aws-sdk/lib-dynamodb': 'function', '@aws-sdk/core': 'object',
    });
  });

  test('import of the SDK from an ES module, and a call back into lambkin that sees the function itself', async () => {
    const name = await deploy(lambda, {
      'index.mjs': `import { LambdaClient, ListFunctionsCommand, GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
        const client = new LambdaClient({});
        export const handler = async () => {
          const names = [];
          let Marker;
          do {
            const page = await client.send(new ListFunctionsCommand({ Marker }));
            names.push(...page.Functions.map((f) => f.FunctionName));
            Marker = page.NextMarker;
          } while (Marker);
          const self = await client.send(new GetFunctionConfigurationCommand({ FunctionName: process.env.AWS_LAMBDA_FUNCTION_NAME }));
          return { names, selfArn: self.FunctionArn, region: await client.config.region() };
        };`,
    }, { timeout: 30 });
    const r = await invokeJson(lambda, name);
    assertOk(r, 'SDK call from ESM');
    assert.ok(r.body.names.includes(name), `ListFunctions from inside lists the function itself (${r.body.names.length} names)`);
    assert.equal(r.body.selfArn, `arn:aws:lambda:us-east-1:000000000000:function:${name}`);
    assert.equal(r.body.region, 'us-east-1');
  });

  test('require() of the SDK from CommonJS, invoking another function through lambkin', async () => {
    const target = await deploy(lambda, { 'index.js': `exports.handler = async (e) => ({ doubled: e.n * 2 });` });
    const caller = await deploy(lambda, {
      'index.js': `const { LambdaClient, InvokeCommand } = require('@aws-sdk/client-lambda');
        const client = new LambdaClient({});
        exports.handler = async (e) => {
          const out = await client.send(new InvokeCommand({ FunctionName: e.target, Payload: JSON.stringify({ n: 21 }) }));
          return { status: out.StatusCode, payload: JSON.parse(Buffer.from(out.Payload).toString()) };
        };`,
    }, { timeout: 30 });
    const r = await invokeJson(lambda, caller, { target });
    assertOk(r, 'SDK invoke from CJS');
    assert.deepEqual(r.body, { status: 200, payload: { doubled: 42 } });
  });

  test('a package the function bundles itself wins over the provided one', async () => {
    const name = await deploy(lambda, {
      'node_modules/@aws-sdk/client-sqs/package.json': JSON.stringify({ name: '@aws-sdk/client-sqs', version: '0.0.0-bundled', main: 'index.js' }),
      'node_modules/@aws-sdk/client-sqs/index.js': `exports.bundled = true;`,
      'index.js': `exports.handler = async () => ({ bundled: require('@aws-sdk/client-sqs').bundled === true });`,
    });
    const r = await invokeJson(lambda, name);
    assertOk(r, 'bundled SDK');
    assert.deepEqual(r.body, { bundled: true });
  });
});

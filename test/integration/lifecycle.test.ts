// Execution environments over time: warm reuse, one invocation per environment, concurrency, idle reaping,
// timeouts, crashes, oversized responses, and a server restart on the same data dir (runtime-api.md §4).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  GetFunctionCommand, GetFunctionConfigurationCommand, ListFunctionsCommand, UpdateFunctionConfigurationCommand, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { startServer, tempDir, waitFor } from '../helpers/server.js';
import { deploy, invokeJson, type Invoked } from '../helpers/functions.js';
import { processGone } from '../helpers/processes.js';

type Server = Awaited<ReturnType<typeof startServer>>;

/** Every environment gets a random id at module load; the handler can sleep, spawn, exit, or answer big. */
const WORKER = `
const { spawn } = require('node:child_process');
const ENV_ID = require('node:crypto').randomUUID();
let count = 0;
let inFlight = 0;
let maxInFlight = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
exports.handler = async (event, context) => {
  count++;
  inFlight++;
  maxInFlight = Math.max(maxInFlight, inFlight);
  try {
    console.log('env', ENV_ID, 'pid', process.pid);
    if (event.child) {
      const child = spawn('sleep', ['60'], { stdio: 'ignore' });
      console.log('child-pid', child.pid);
    }
    if (event.exit !== undefined) process.exit(event.exit);
    if (event.kill) process.kill(process.pid, 'SIGKILL');
    if (event.throwLater) {
      setTimeout(() => { throw new Error('async boom'); }, 10);
      await sleep(5000);
    }
    if (event.sleepMs) await sleep(event.sleepMs);
    let barrierMet;
    if (event.barrier) {
      // Wait (bounded) until event.barrier.n invocations are inside the handler at the same time.
      const fs = require('node:fs');
      fs.writeFileSync(event.barrier.dir + '/' + context.awsRequestId, ENV_ID);
      const deadline = Date.now() + 5000;
      while (!(barrierMet = fs.readdirSync(event.barrier.dir).length >= event.barrier.n) && Date.now() < deadline) await sleep(10);
    }
    if (event.bigResponse) return 'x'.repeat(event.bigResponse);
    return { envId: ENV_ID, pid: process.pid, count, maxInFlight, i: event.i, requestId: context.awsRequestId, barrierMet };
  } finally {
    inFlight--;
  }
};`;

async function health(srv: Server): Promise<{ environments: { environments: number; busy: number; idle: number } }> {
  const res = await fetch(`${srv.url}/_lambkin/health`);
  assert.equal(res.status, 200);
  return (await res.json()) as never;
}

function assertOk(r: Invoked, what: string): void {
  assert.equal(r.out.StatusCode, 200, what);
  assert.equal(r.out.FunctionError, undefined, `${what}: ${r.text.slice(0, 500)}`);
}

function pidsFromLog(log: string, label: string): number[] {
  return [...log.matchAll(new RegExp(`${label} (\\d+)`, 'g'))].map((m) => Number(m[1]));
}

describe('environments on one server', () => {
  let srv: Server;
  let lambda: LambdaClient;
  before(async () => {
    srv = await startServer();
    lambda = srv.lambda;
  });
  after(() => srv?.close());

  test('warm reuse: module state survives between invocations of one environment', async () => {
    const name = await deploy(lambda, { 'index.js': WORKER });
    const a = await invokeJson(lambda, name, {});
    const b = await invokeJson(lambda, name, {});
    const c = await invokeJson(lambda, name, {});
    for (const r of [a, b, c]) assertOk(r, 'warm');
    assert.deepEqual([a.body.count, b.body.count, c.body.count], [1, 2, 3]);
    assert.equal(new Set([a.body.envId, b.body.envId, c.body.envId]).size, 1, 'one environment served all three');
    assert.equal(a.body.pid, c.body.pid);
  });

  test('one invocation at a time per environment: overlapping calls run in different environments', async () => {
    const name = await deploy(lambda, { 'index.js': WORKER }, { timeout: 10 });
    const dir = tempDir('lambkin-barrier-');
    const results = await Promise.all([0, 1, 2].map((i) => invokeJson(lambda, name, { i, barrier: { dir, n: 3 } }))).finally(() =>
      fs.rmSync(dir, { recursive: true, force: true }));
    for (const r of results) assertOk(r, 'overlapping');
    for (const r of results) assert.equal(r.body.barrierMet, true, 'all three calls were in their handlers at the same time');
    const envs = new Set(results.map((r) => r.body.envId));
    assert.equal(envs.size, 3, 'three overlapping calls → three environments');
    for (const r of results) assert.equal(r.body.maxInFlight, 1, 'never two invocations at once in one environment');
    assert.deepEqual(results.map((r) => r.body.i), [0, 1, 2], 'each caller got its own result');

    // Afterwards, sequential calls reuse those environments rather than starting more.
    const later = await invokeJson(lambda, name, {});
    assert.ok(envs.has(later.body.envId), 'a warm environment is reused');
    assert.equal(later.body.count, 2);
  });

  test('10 concurrent invocations all succeed, each with its own payload and request id', async () => {
    const name = await deploy(lambda, { 'index.js': WORKER });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => invokeJson(lambda, name, { i, sleepMs: 50 })));
    for (const [i, r] of results.entries()) {
      assertOk(r, `concurrent #${i}`);
      assert.equal(r.body.i, i);
      assert.equal(r.body.requestId, r.out.$metadata.requestId);
      assert.equal(r.body.maxInFlight, 1);
    }
    assert.equal(new Set(results.map((r) => r.out.$metadata.requestId)).size, 10);
  });

  test('timeout: Sandbox.Timedout, the environment and its child processes are stopped, the next call is fresh', async () => {
    const name = await deploy(lambda, { 'index.js': WORKER }, { timeout: 1 });
    const warm = await invokeJson(lambda, name, {});
    assertOk(warm, 'before timeout');

    const started = Date.now();
    const r = await invokeJson(lambda, name, { child: true, sleepMs: 5000 }, { tail: true });
    const elapsed = Date.now() - started;
    const id = r.out.$metadata.requestId!;
    assert.equal(r.out.StatusCode, 200);
    assert.equal(r.out.FunctionError, 'Unhandled');
    assert.deepEqual(r.body, { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${id} Error: Task timed out after 1.00 seconds` });
    assert.ok(elapsed >= 950 && elapsed < 4500, `answered after the 1 s timeout, not the 5 s sleep (${elapsed} ms)`);
    assert.match(r.log, new RegExp(`REPORT RequestId: ${id}\\t.*\\tStatus: timeout`), r.log);
    assert.match(r.log, /Task timed out after 1\.00 seconds/);

    const [childPid] = pidsFromLog(r.log, 'child-pid');
    assert.ok(childPid, `the function logged its child's pid:\n${r.log}`);
    await waitFor('the timed-out function\'s child process to be gone', () => processGone(childPid), 5000);
    await waitFor('the timed-out runtime process to be gone', () => processGone(warm.body.pid), 5000);

    const next = await invokeJson(lambda, name, {});
    assertOk(next, 'after timeout');
    assert.notEqual(next.body.envId, warm.body.envId, 'a fresh environment after a timeout');
    assert.equal(next.body.count, 1);
  });

  test('process.exit(1) mid-invocation → Runtime.ExitError; the next call works in a fresh environment', async () => {
    const name = await deploy(lambda, { 'index.js': WORKER });
    const warm = await invokeJson(lambda, name, {});
    const r = await invokeJson(lambda, name, { exit: 1 }, { tail: true });
    const id = r.out.$metadata.requestId!;
    assert.equal(r.out.StatusCode, 200);
    assert.equal(r.out.FunctionError, 'Unhandled');
    assert.deepEqual(r.body, { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${id} Error: Runtime exited with error: exit status 1` });
    assert.match(r.log, /\tStatus: error\tError Type: Runtime\.ExitError/);
    const next = await invokeJson(lambda, name, {});
    assertOk(next, 'after exit');
    assert.notEqual(next.body.envId, warm.body.envId);

    // exit(0) mid-invocation is an error too.
    const zero = await invokeJson(lambda, name, { exit: 0 });
    assert.equal(zero.body.errorType, 'Runtime.ExitError');
    assert.equal(zero.body.errorMessage, `RequestId: ${zero.out.$metadata.requestId} Error: Runtime exited with error: exit status 0`);
    assertOk(await invokeJson(lambda, name, {}), 'after exit 0');
  });

  test('a runtime killed by a signal → Runtime.ExitError "signal: killed"; the next call works', async () => {
    const name = await deploy(lambda, { 'index.js': WORKER });
    const r = await invokeJson(lambda, name, { kill: true });
    assert.equal(r.out.FunctionError, 'Unhandled');
    assert.deepEqual(r.body, {
      errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${r.out.$metadata.requestId} Error: Runtime exited with error: signal: killed`,
    });
    assertOk(await invokeJson(lambda, name, {}), 'after kill');
  });

  test('an uncaught exception during an invocation fails that invocation; the next call works', async () => {
    const name = await deploy(lambda, { 'index.js': WORKER }, { timeout: 10 });
    const warm = await invokeJson(lambda, name, {});
    const r = await invokeJson(lambda, name, { throwLater: true });
    assert.equal(r.out.FunctionError, 'Unhandled');
    assert.equal(r.body.errorType, 'Error');
    assert.equal(r.body.errorMessage, 'async boom');
    const next = await invokeJson(lambda, name, {});
    assertOk(next, 'after uncaught exception');
    assert.notEqual(next.body.envId, warm.body.envId, 'the runtime exits after an uncaught exception');
  });

  test('response over 6 MB → Function.ResponseSizeTooLarge; exactly 6 MB + 100 bytes passes; the next call works', async () => {
    const name = await deploy(lambda, { 'index.js': WORKER }, { timeout: 10 });
    const max = 6 * 1024 * 1024 + 100; // 6291556
    const atLimit = await invokeJson(lambda, name, { bigResponse: max - 2 }); // JSON adds two quotes
    assertOk(atLimit, 'response at the limit');
    assert.equal(atLimit.text.length, max);

    const r = await invokeJson(lambda, name, { bigResponse: max - 1 });
    assert.equal(r.out.StatusCode, 200);
    assert.equal(r.out.FunctionError, 'Unhandled');
    assert.deepEqual(r.body, {
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: `Response payload size (${max + 1} bytes) exceeded maximum allowed payload size (${max} bytes).`,
    });
    const next = await invokeJson(lambda, name, {});
    assertOk(next, 'after an oversized response');
  });
});

describe('idle environments are reaped', () => {
  let srv: Server;
  before(async () => {
    srv = await startServer({ idleEnvironmentMs: 500 });
  });
  after(() => srv?.close());

  test('after idleEnvironmentMs the environment is stopped and the next call starts a new one', async () => {
    const name = await deploy(srv.lambda, { 'index.js': WORKER });
    const first = await invokeJson(srv.lambda, name, {}, { tail: true });
    assertOk(first, 'first');
    assert.match(first.log, /Init Duration/);
    assert.ok((await health(srv)).environments.environments >= 1, 'the environment exists right after the call');

    await waitFor('the idle environment to be reaped', async () => (await health(srv)).environments.environments === 0, 10_000);
    await waitFor('the reaped runtime process to exit', () => processGone(first.body.pid), 5000);

    const second = await invokeJson(srv.lambda, name, {}, { tail: true });
    assertOk(second, 'after reaping');
    assert.notEqual(second.body.envId, first.body.envId, 'a new environment (new module id)');
    assert.equal(second.body.count, 1);
    assert.match(second.log, /Init Duration/, 'a cold start again');
  });
});

describe('restart on the same data dir', () => {
  test('functions, configuration and code survive close + start; they are invocable; close stops the runtimes', async () => {
    const dataDir = tempDir('lambkin-restart-');
    let second: Server | undefined;
    let first: Server | undefined;
    try {
      first = await startServer({ dataDir });
      const a = await deploy(first.lambda, { 'index.js': WORKER });
      const b = await deploy(first.lambda, { 'index.mjs': `export const handler = async () => ({ color: process.env.COLOR });` }, { environment: { COLOR: 'red' } });
      await first.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: b, Environment: { Variables: { COLOR: 'blue' } }, Timeout: 12 }));
      const before = await invokeJson(first.lambda, a, {});
      assertOk(before, 'before restart');
      const confBefore = await first.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: b }));
      await first.close();
      first = undefined;
      await waitFor('runtime processes to stop with the server', () => processGone(before.body.pid), 5000);

      second = await startServer({ dataDir });
      const listed = (await second.lambda.send(new ListFunctionsCommand({}))).Functions!.map((f) => f.FunctionName);
      assert.ok(listed.includes(a) && listed.includes(b), `both functions listed after restart: ${listed}`);
      const confAfter = await second.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: b }));
      for (const key of ['RevisionId', 'CodeSha256', 'CodeSize', 'Timeout', 'LastModified', 'Environment'] as const) {
        assert.deepEqual(confAfter[key], confBefore[key], `${key} after restart`);
      }
      const ra = await invokeJson(second.lambda, a, {});
      assertOk(ra, 'a after restart');
      assert.notEqual(ra.body.envId, before.body.envId);
      const rb = await invokeJson(second.lambda, b, {});
      assertOk(rb, 'b after restart');
      assert.deepEqual(rb.body, { color: 'blue' });
      const got = await second.lambda.send(new GetFunctionCommand({ FunctionName: a }));
      const zip = await fetch(got.Code!.Location!);
      assert.equal(zip.status, 200, 'Code.Location works after restart');
      assert.equal(Buffer.from(await zip.arrayBuffer()).length, got.Configuration!.CodeSize);
    } finally {
      await first?.close();
      await second?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('where the data dir is', () => {
  test('inside a project whose package.json says "type": "module", a CommonJS .js handler is still CommonJS', async () => {
    const project = tempDir('lambkin-esm-project-');
    fs.writeFileSync(`${project}/package.json`, JSON.stringify({ name: 'app', type: 'module' }));
    const srv = await startServer({ dataDir: `${project}/.lambkin` });
    try {
      const name = await deploy(srv.lambda, { 'index.js': 'exports.handler = async () => ({ ok: typeof require });' });
      const r = await invokeJson(srv.lambda, name, {});
      assert.equal(r.out.FunctionError, undefined, JSON.stringify(r.body));
      assert.deepEqual(r.body, { ok: 'function' });
    } finally {
      await srv.close();
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  test('a data dir that cannot be created, or a bad log level, stops the start with a readable error', async () => {
    await assert.rejects(startServer({ dataDir: '/proc/lambkin-nope/data' }), /cannot use \/proc\/lambkin-nope\/data as the data dir/);
    await assert.rejects(startServer({ logLevel: 'loud' as never }), /log level must be one of fatal, error, warn, info, debug, trace, silent, got loud/);
  });
});

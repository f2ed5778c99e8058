// End to end through the real AWS CLI against a spawned `lambkin start`, as a user drives it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { awsCli, awsCliMajorVersion, awsOk, awsToolEnv, type CliResult } from '../helpers/aws-cli.js';
import { tempDir, uniqueName, waitFor } from '../helpers/server.js';
import { ROLE } from '../helpers/functions.js';
import {
  childProcesses, isRunning, killAllSpawned, killIfRunning, REPO_ROOT, spawnLambkin, stopLambkin,
  type ProcInfo, type SpawnedLambkin,
} from '../helpers/spawned-lambkin.js';
import { zipOf } from '../helpers/zip.js';

const scratch = tempDir('lambkin-e2e-cli-');
const env = awsToolEnv(scratch);
/** CLI v2 reads blob arguments as base64 unless told otherwise; v1 (installed here) takes them as raw text. */
const rawPayload = awsCliMajorVersion() >= 2 ? ['--cli-binary-format', 'raw-in-base64-out'] : [];
const strayProcesses: ProcInfo[] = [];

after(async () => {
  await killAllSpawned();
  killIfRunning(strayProcesses);
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** Writes a zip of `files` under the scratch dir and returns its `fileb://` argument. */
function zipFileArg(files: Record<string, string>): string {
  const file = path.join(scratch, `${uniqueName('code')}.zip`);
  fs.writeFileSync(file, zipOf(files));
  return `fileb://${file}`;
}

/** CodeSha256 as Lambda reports it, of a zip written by `zipFileArg`. */
const shaOfZipArg = (arg: string) => sha256Base64(fs.readFileSync(arg.slice('fileb://'.length)));

/** The examples/hello package, zipped with the `zip` command exactly as the README does. */
function zipHelloExample(): string {
  const file = path.join(scratch, `${uniqueName('hello')}.zip`);
  execFileSync('zip', ['-q', '-j', file, path.join(REPO_ROOT, 'examples/hello/index.mjs')]);
  return file;
}

/** The temporary directory holding a runtime process's Runtime API Unix socket, read from its environment. */
function runtimeSocketDir(pid: number): string | undefined {
  try {
    const vars = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    const socket = vars.find((v) => v.startsWith('_LAMBKIN_RUNTIME_SOCKET='))?.slice('_LAMBKIN_RUNTIME_SOCKET='.length);
    const dir = socket ? path.dirname(socket) : undefined;
    return dir && path.basename(dir).startsWith('lambkin-rapi-') ? dir : undefined;
  } catch {
    return undefined;
  }
}

const sha256Base64 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('base64');

function assertCliError(r: CliResult, code: string, message: RegExp): void {
  assert.ok(r.code === 254 || r.code === 255, `exit code ${r.code}, stderr: ${r.stderr}`);
  assert.match(r.stderr, new RegExp(`An error occurred \\(${code}\\) when calling the \\w+ operation`));
  assert.match(r.stderr, message);
}

interface CliInvoke {
  meta: any;
  body: any;
  log: string;
}

async function invoke(url: string, name: string, payload: unknown, extra: string[] = []): Promise<CliInvoke> {
  const outFile = path.join(scratch, `${uniqueName('out')}.json`);
  const r = await awsOk(url, env, [
    'lambda', 'invoke', '--function-name', name, '--payload', JSON.stringify(payload), ...rawPayload, ...extra, outFile,
  ]);
  const body = JSON.parse(fs.readFileSync(outFile, 'utf8'));
  const log = r.json.LogResult ? Buffer.from(r.json.LogResult, 'base64').toString('utf8') : '';
  return { meta: r.json, body, log };
}

async function createFunction(url: string, name: string, zipArg: string, extra: string[] = []): Promise<CliResult> {
  return awsCli(url, env, [
    'lambda', 'create-function', '--function-name', name, '--runtime', 'nodejs20.x', '--handler', 'index.handler',
    '--role', ROLE, '--zip-file', zipArg, ...extra,
  ]);
}

const V2_CODE = {
  'index.mjs': `export const handler = async (event) => {
  console.log('v2 running for', event.name);
  return { version: 2, greeting: process.env.GREETING ?? 'none', name: event.name };
};
`,
};

describe('AWS CLI against `lambkin start`', () => {
  let server: SpawnedLambkin;
  before(async () => {
    server = await spawnLambkin(path.join(scratch, 'data'));
  });
  after(async () => {
    if (server) await stopLambkin(server);
  });

  test('the server answers health checks at the URL it printed', async () => {
    const res = await fetch(`${server.url}/_lambkin/health`);
    assert.equal(res.status, 200);
    assert.equal((await res.json()).status, 'ok');
  });

  test('create-function, wait function-active-v2, get-function with a downloadable Code.Location, get-function-configuration', async () => {
    const name = uniqueName('cli-hello');
    const zipFile = zipHelloExample();
    const zipBytes = fs.readFileSync(zipFile);
    const created = await createFunction(server.url, name, `fileb://${zipFile}`, ['--description', 'e2e hello', '--timeout', '7', '--memory-size', '256']);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.json.FunctionName, name);
    assert.equal(created.json.FunctionArn, `arn:aws:lambda:us-east-1:000000000000:function:${name}`);
    assert.equal(created.json.Runtime, 'nodejs20.x');
    assert.equal(created.json.Handler, 'index.handler');
    assert.equal(created.json.Role, ROLE);
    assert.equal(created.json.Timeout, 7);
    assert.equal(created.json.MemorySize, 256);
    assert.equal(created.json.Description, 'e2e hello');
    assert.equal(created.json.CodeSize, zipBytes.length);
    assert.equal(created.json.CodeSha256, sha256Base64(zipBytes));

    await awsOk(server.url, env, ['lambda', 'wait', 'function-active-v2', '--function-name', name]);

    const got = await awsOk(server.url, env, ['lambda', 'get-function', '--function-name', name]);
    assert.equal(got.json.Configuration.State, 'Active');
    assert.equal(got.json.Configuration.CodeSha256, created.json.CodeSha256);
    assert.equal(got.json.Code.RepositoryType, 'S3');
    const download = await fetch(got.json.Code.Location);
    assert.equal(download.status, 200);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), zipBytes);

    const cfg = await awsOk(server.url, env, ['lambda', 'get-function-configuration', '--function-name', name]);
    assert.equal(cfg.json.LastUpdateStatus, 'Successful');
    assert.equal(cfg.json.RevisionId, created.json.RevisionId);
    assert.equal(cfg.json.MemorySize, 256);
  });

  test('invoke with --payload and --log-type Tail: output file, ExecutedVersion, START/END/REPORT and console lines', async () => {
    const name = uniqueName('cli-invoke');
    assert.equal((await createFunction(server.url, name, `fileb://${zipHelloExample()}`)).code, 0);
    const first = await invoke(server.url, name, { name: 'Ada' }, ['--log-type', 'Tail']);
    assert.equal(first.meta.StatusCode, 200);
    assert.equal(first.meta.ExecutedVersion, '$LATEST');
    assert.equal(first.meta.FunctionError, undefined);
    assert.equal(first.body.message, 'Hello, Ada!');
    assert.equal(first.body.functionName, name);
    assert.equal(first.body.functionVersion, '$LATEST');
    assert.equal(first.body.memoryLimitInMB, 128);
    assert.ok(first.body.remainingTimeMs > 0 && first.body.remainingTimeMs <= 3000, `remaining ${first.body.remainingTimeMs}`);
    const id = first.body.requestId;
    assert.match(first.log, new RegExp(`^START RequestId: ${id} Version: \\$LATEST$`, 'm'));
    assert.match(first.log, new RegExp(`^\\S+Z\\t${id}\\tINFO\\tGreeting Ada from ${name}$`, 'm'));
    assert.match(first.log, new RegExp(`^END RequestId: ${id}$`, 'm'));
    assert.match(first.log, new RegExp(`^REPORT RequestId: ${id}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB`, 'm'));
    assert.match(first.log, /Init Duration: [\d.]+ ms/, 'the first invoke of an environment reports its init');

    const second = await invoke(server.url, name, {}, ['--log-type', 'Tail']);
    assert.equal(second.body.message, 'Hello, world!');
    assert.notEqual(second.body.requestId, id);
    assert.doesNotMatch(second.log, /Init Duration/, 'a warm invoke has no init');

    const quiet = await awsOk(server.url, env, ['lambda', 'invoke', '--function-name', name, path.join(scratch, 'quiet.json')]);
    assert.equal(quiet.json.LogResult, undefined, 'no log tail unless asked for');
  });

  test('a handler error comes back as FunctionError Unhandled with the error document', async () => {
    const name = uniqueName('cli-throw');
    const zip = zipFileArg({ 'index.js': "exports.handler = async () => { throw new TypeError('bad input'); };\n" });
    assert.equal((await createFunction(server.url, name, zip)).code, 0);
    const r = await invoke(server.url, name, {}, ['--log-type', 'Tail']);
    assert.equal(r.meta.StatusCode, 200);
    assert.equal(r.meta.FunctionError, 'Unhandled');
    assert.equal(r.body.errorType, 'TypeError');
    assert.equal(r.body.errorMessage, 'bad input');
    assert.ok(Array.isArray(r.body.trace));
    assert.match(r.log, /\tERROR\tInvoke Error/);
  });

  test('list-functions pages with --max-items / --starting-token and with --page-size', async () => {
    const prefix = uniqueName('cli-list');
    const names = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
    const zip = zipFileArg({ 'index.js': 'exports.handler = async () => 1;\n' });
    for (const name of names) assert.equal((await createFunction(server.url, name, zip)).code, 0);

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await awsOk(server.url, env, ['lambda', 'list-functions', '--max-items', '2', ...(token ? ['--starting-token', token] : [])]);
      assert.ok(r.json.Functions.length <= 2, `page of ${r.json.Functions.length}`);
      seen.push(...r.json.Functions.map((f: { FunctionName: string }) => f.FunctionName));
      token = r.json.NextToken;
      pages++;
    } while (token && pages < 100);
    assert.equal(new Set(seen).size, seen.length, `no function twice: ${seen}`);
    for (const name of names) assert.ok(seen.includes(name), `${name} listed`);
    assert.ok(pages >= 2, 'more than one page');

    // --page-size makes the CLI's paginator follow NextMarker itself, one function per request.
    const all = await awsOk(server.url, env, ['lambda', 'list-functions', '--page-size', '1', '--query', 'Functions[].FunctionName']);
    assert.deepEqual([...all.json].sort(), [...seen].sort());
  });

  test('update-function-code, wait function-updated-v2, and the next invoke runs the new code', async () => {
    const name = uniqueName('cli-update');
    assert.equal((await createFunction(server.url, name, `fileb://${zipHelloExample()}`)).code, 0);
    assert.equal((await invoke(server.url, name, { name: 'old' })).body.message, 'Hello, old!');

    const v2 = zipFileArg(V2_CODE);
    const updated = await awsOk(server.url, env, ['lambda', 'update-function-code', '--function-name', name, '--zip-file', v2]);
    assert.equal(updated.json.CodeSha256, shaOfZipArg(v2));
    await awsOk(server.url, env, ['lambda', 'wait', 'function-updated-v2', '--function-name', name]);
    const r = await invoke(server.url, name, { name: 'new' }, ['--log-type', 'Tail']);
    assert.deepEqual(r.body, { version: 2, greeting: 'none', name: 'new' });
    assert.match(r.log, /INFO\tv2 running for new/);
  });

  test('update-function-configuration sets environment variables that the next invoke sees', async () => {
    const name = uniqueName('cli-config');
    assert.equal((await createFunction(server.url, name, `fileb://${zipHelloExample()}`)).code, 0);
    assert.equal((await invoke(server.url, name, { name: 'Ada' })).body.message, 'Hello, Ada!');
    const r = await awsOk(server.url, env, [
      'lambda', 'update-function-configuration', '--function-name', name,
      '--environment', 'Variables={GREETING=Howdy,STAGE=e2e}', '--timeout', '5',
    ]);
    assert.deepEqual(r.json.Environment, { Variables: { GREETING: 'Howdy', STAGE: 'e2e' } });
    assert.equal(r.json.Timeout, 5);
    await awsOk(server.url, env, ['lambda', 'wait', 'function-updated-v2', '--function-name', name]);
    const cfg = await awsOk(server.url, env, ['lambda', 'get-function-configuration', '--function-name', name]);
    assert.deepEqual(cfg.json.Environment.Variables, { GREETING: 'Howdy', STAGE: 'e2e' });
    assert.equal((await invoke(server.url, name, { name: 'Ada' })).body.message, 'Howdy, Ada!');
  });

  test('errors: duplicate name, missing function, invalid payload; exit code and error code on stderr', async () => {
    const name = uniqueName('cli-errors');
    const zip = `fileb://${zipHelloExample()}`;
    assert.equal((await createFunction(server.url, name, zip)).code, 0);
    const dup = await createFunction(server.url, name, zip);
    assertCliError(dup, 'ResourceConflictException', new RegExp(`Function already exist: ${name}`));

    const missing = uniqueName('cli-missing');
    const arn = `arn:aws:lambda:us-east-1:000000000000:function:${missing}`;
    assertCliError(await awsCli(server.url, env, ['lambda', 'get-function', '--function-name', missing]),
      'ResourceNotFoundException', new RegExp(`Function not found: ${arn}`));
    assertCliError(await awsCli(server.url, env, ['lambda', 'invoke', '--function-name', missing, path.join(scratch, 'never.json')]),
      'ResourceNotFoundException', new RegExp(`Function not found: ${arn}`));
    assertCliError(await awsCli(server.url, env, ['lambda', 'delete-function', '--function-name', missing]),
      'ResourceNotFoundException', /Function not found/);
    assertCliError(
      await awsCli(server.url, env, ['lambda', 'invoke', '--function-name', name, '--payload', '{not json', ...rawPayload, path.join(scratch, 'never.json')]),
      'InvalidRequestContentException', /Could not parse request body into json/);
    assertCliError(await createFunction(server.url, 'bad name!', zip), 'ValidationException', /functionName/);
  });

  test('delete-function removes the function', async () => {
    const name = uniqueName('cli-delete');
    assert.equal((await createFunction(server.url, name, `fileb://${zipHelloExample()}`)).code, 0);
    await invoke(server.url, name, {});
    const del = await awsCli(server.url, env, ['lambda', 'delete-function', '--function-name', name]);
    assert.equal(del.code, 0, del.stderr);
    assertCliError(await awsCli(server.url, env, ['lambda', 'get-function-configuration', '--function-name', name]),
      'ResourceNotFoundException', /Function not found/);
    const list = await awsOk(server.url, env, ['lambda', 'list-functions', '--query', 'Functions[].FunctionName']);
    assert.ok(!list.json.includes(name));
  });
});

describe('restart after SIGKILL', () => {
  test('functions created and updated before the kill are listed and invocable after a restart on the same data dir', async (t) => {
    const dataDir = path.join(scratch, 'restart-data');
    const first = await spawnLambkin(dataDir);
    const name = uniqueName('cli-restart');
    assert.equal((await createFunction(first.url, name, `fileb://${zipHelloExample()}`)).code, 0);
    const v2 = zipFileArg(V2_CODE);
    await awsOk(first.url, env, ['lambda', 'update-function-code', '--function-name', name, '--zip-file', v2]);
    await awsOk(first.url, env, ['lambda', 'update-function-configuration', '--function-name', name, '--environment', 'Variables={GREETING=persisted}']);
    assert.equal((await invoke(first.url, name, { name: 'before' })).body.version, 2);
    const runtimes = childProcesses(first.pid);
    strayProcesses.push(...runtimes);
    assert.ok(runtimes.length >= 1, 'the server has runtime processes');
    // A killed server cannot remove its temporary Runtime API socket directory; the test does, afterwards.
    const socketDirs = runtimes.map((p) => runtimeSocketDir(p.pid)).filter((d): d is string => d !== undefined);
    t.after(() => socketDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

    first.proc.kill('SIGKILL');
    assert.equal((await first.exited).signal, 'SIGKILL');
    // Orphaned runtimes lose their Runtime API connection and leave by themselves.
    await waitFor('the killed server\'s runtime processes to exit', () => runtimes.every((p) => !isRunning(p)), 10_000);

    const second = await spawnLambkin(dataDir);
    try {
      const list = await awsOk(second.url, env, ['lambda', 'list-functions', '--query', 'Functions[].FunctionName']);
      assert.ok(list.json.includes(name), `listed after restart: ${list.json}`);
      const cfg = await awsOk(second.url, env, ['lambda', 'get-function-configuration', '--function-name', name]);
      assert.equal(cfg.json.CodeSha256, shaOfZipArg(v2));
      assert.equal(cfg.json.State, 'Active');
      const r = await invoke(second.url, name, { name: 'after' });
      assert.deepEqual(r.body, { version: 2, greeting: 'persisted', name: 'after' });
    } finally {
      await stopLambkin(second);
    }
  });
});

describe('shutdown', () => {
  const SPAWNS_CHILD = {
    'index.mjs': `import { spawn } from 'node:child_process';
export const handler = async () => {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  return { runtimePid: process.pid, childPid: child.pid };
};
`,
  };

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`${signal} exits 0 and stops every runtime process and what functions started`, async () => {
      const server = await spawnLambkin(path.join(scratch, `shutdown-${signal}`));
      const name = uniqueName('cli-shutdown');
      assert.equal((await createFunction(server.url, name, zipFileArg(SPAWNS_CHILD))).code, 0);
      const { body } = await invoke(server.url, name, {});
      const runtimes = childProcesses(server.pid);
      const grandchild = childProcesses(body.runtimePid).find((p) => p.pid === body.childPid);
      assert.ok(grandchild, 'the function\'s own child process is running');
      strayProcesses.push(...runtimes, grandchild);
      assert.ok(runtimes.some((p) => p.pid === body.runtimePid), 'the function runs in a child of the server');
      assert.ok(runtimes.every((p) => p.cmdline.includes('runtimes/node/bootstrap.mjs')), runtimes.map((p) => p.cmdline).join('\n'));
      assert.ok(runtimes.length >= 2, 'a spare runtime is kept beside the function\'s environment');

      const exit = await stopLambkin(server, signal);
      assert.deepEqual(exit, { code: 0, signal: null }, server.stderr());
      await waitFor('every process of the server to be gone', () => [...runtimes, grandchild].every((p) => !isRunning(p)), 5_000);
    });
  }
});

// End to end through boto3 (Python) against a spawned `lambkin start`: test/e2e/boto3_flow.py runs the flow and
// reports what it saw; this file checks it.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { awsToolEnv } from '../helpers/aws-cli.js';
import { tempDir, uniqueName } from '../helpers/server.js';
import { killAllSpawned, REPO_ROOT, spawnLambkin, stopLambkin, type SpawnedLambkin } from '../helpers/spawned-lambkin.js';

/** The interpreter with boto3: LAMBKIN_PYTHON (set by .ci/run when it had to install boto3 elsewhere) or python3. */
const PYTHON = process.env.LAMBKIN_PYTHON || 'python3';
const FLOW = path.join(REPO_ROOT, 'test/e2e/boto3_flow.py');

const boto3Check = spawnSync(PYTHON, ['-c', 'import boto3'], { encoding: 'utf8' });
const haveBoto3 = boto3Check.status === 0;
// Locally a machine without boto3 skips this file; in CI (where .ci/run installs boto3) its absence is a failure.
const skip = !haveBoto3 && !process.env.CI ? `boto3 is not importable by ${PYTHON}` : false;

const scratch = tempDir('lambkin-e2e-boto3-');
let server: SpawnedLambkin;

before(async () => {
  if (skip) return;
  server = await spawnLambkin(path.join(scratch, 'data'));
});

after(async () => {
  if (server) await stopLambkin(server);
  await killAllSpawned();
  fs.rmSync(scratch, { recursive: true, force: true });
});

function runFlow(endpoint: string, prefix: string): Promise<any> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [FLOW, endpoint, prefix], {
      env: awsToolEnv(scratch), timeout: 120_000, killSignal: 'SIGKILL', encoding: 'utf8', maxBuffer: 16 * 1024 * 1024,
    }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(FLOW)} failed (${err.code ?? err.signal}):\n${stderr}${stdout}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

test('boto3: create, wait, invoke with Tail, get and download, paginate, update code, errors, delete', { skip }, async () => {
  assert.ok(haveBoto3, `boto3 is not importable by ${PYTHON}: ${boto3Check.stderr}`);
  const prefix = uniqueName('boto3');
  const o = await runFlow(server.url, prefix);

  assert.equal(o.create.status, 201);
  assert.equal(o.create.name, `${prefix}-main`);
  assert.equal(o.create.runtime, 'nodejs22.x');
  assert.equal(o.create.codeSha256, o.create.expectedSha256);
  assert.equal(o.create.codeSize, o.create.expectedSize);
  assert.deepEqual(o.create.environment, { Variables: { STAGE: 'boto3' } });

  assert.equal(o.invoke.status, 200);
  assert.equal(o.invoke.executedVersion, '$LATEST');
  assert.equal(o.invoke.functionError, null);
  assert.deepEqual(o.invoke.payload, { version: 1, message: 'Hello, Grace!', functionName: `${prefix}-main` });
  assert.match(o.invoke.log, /^START RequestId: \S+ Version: \$LATEST$/m);
  assert.match(o.invoke.log, /\tINFO\tboto3 says hi to Grace$/m);
  assert.match(o.invoke.log, /^END RequestId: /m);
  assert.match(o.invoke.log, /^REPORT RequestId: \S+\tDuration: /m);

  assert.deepEqual(o.get, { state: 'Active', lastUpdateStatus: 'Successful', timeout: 10, downloadMatches: true });

  const ours = o.list.names.filter((n: string) => n.startsWith(prefix));
  assert.deepEqual([...ours].sort(), [`${prefix}-list-0`, `${prefix}-list-1`, `${prefix}-list-2`, `${prefix}-main`]);
  assert.equal(new Set(o.list.names).size, o.list.names.length, 'no function on two pages');
  assert.ok(o.list.pages >= 2, `pages: ${o.list.pages}`);
  assert.ok(o.list.pageSizes.every((n: number) => n <= 2), `page sizes ${o.list.pageSizes}`);

  assert.equal(o.update.codeSha256, o.update.expectedSha256);
  assert.deepEqual(o.update.invoke.payload, { version: 2, message: 'Bye, Grace!' });
  assert.match(o.update.invoke.log, /\tINFO\tv2 for Grace$/m);

  assert.equal(o.handlerError.status, 200);
  assert.equal(o.handlerError.functionError, 'Unhandled');
  assert.equal(o.handlerError.payload.errorType, 'RangeError');
  assert.equal(o.handlerError.payload.errorMessage, 'out of range');

  const missingArn = `arn:aws:lambda:us-east-1:000000000000:function:${prefix}-missing`;
  assert.deepEqual(o.errors.duplicate, { code: 'ResourceConflictException', status: 409, message: `Function already exist: ${prefix}-main` });
  assert.deepEqual(o.errors.getMissing, { code: 'ResourceNotFoundException', status: 404, message: `Function not found: ${missingArn}` });
  assert.deepEqual(o.errors.invokeMissing, { code: 'ResourceNotFoundException', status: 404, message: `Function not found: ${missingArn}` });
  assert.equal(o.errors.badZip.code, 'InvalidParameterValueException');
  assert.equal(o.errors.badZip.status, 400);
  assert.match(o.errors.badZip.message, /Could not unzip uploaded file/);
  assert.equal(o.errors.badRuntime.status, 400);
  assert.equal(o.errors.badRuntime.code, 'ValidationException');
  assert.match(o.errors.badRuntime.message, /Value 'cobol85' at 'runtime' failed to satisfy constraint/);

  assert.deepEqual(o.delete.statuses, [204, 204, 204, 204, 204]);
  assert.equal(o.delete.getAfter.code, 'ResourceNotFoundException');
  assert.deepEqual(o.delete.remainingWithPrefix, [], 'the rejected creates stored nothing and the deletes removed the rest');
});

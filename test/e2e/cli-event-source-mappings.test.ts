// Event source mappings end to end through the real AWS CLI against a spawned `lambkin start`, as a user drives
// them: a queue and a function, then create-, get-, list-, update- and delete-event-source-mapping.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { awsCli, awsOk, awsToolEnv, type CliResult } from '../helpers/aws-cli.js';
import { ROLE } from '../helpers/functions.js';
import { tempDir, uniqueName, waitFor } from '../helpers/server.js';
import { killAllSpawned, spawnLambkin, stopLambkin, type SpawnedLambkin } from '../helpers/spawned-lambkin.js';
import { zipOf } from '../helpers/zip.js';

const scratch = tempDir('lambkin-e2e-esm-');
const env = awsToolEnv(scratch);
const ACCOUNT = '000000000000';

after(async () => {
  await killAllSpawned();
  fs.rmSync(scratch, { recursive: true, force: true });
});

function assertCliError(r: CliResult, code: string, message: RegExp): void {
  assert.ok(r.code === 254 || r.code === 255, `exit code ${r.code}, stderr: ${r.stderr}`);
  assert.match(r.stderr, new RegExp(`An error occurred \\(${code}\\) when calling the \\w+ operation`));
  assert.match(r.stderr, message);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('AWS CLI: event source mappings against `lambkin start`', () => {
  let server: SpawnedLambkin;
  let zipArg: string;
  before(async () => {
    server = await spawnLambkin(path.join(scratch, 'data'));
    const file = path.join(scratch, 'noop.zip');
    fs.writeFileSync(file, zipOf({ 'index.js': 'exports.handler = async () => ({});\n' }));
    zipArg = `fileb://${file}`;
  });
  after(async () => {
    if (server) await stopLambkin(server);
  });

  async function functionAndQueue(): Promise<{ fn: string; queueArn: string }> {
    const fn = uniqueName('cli-esm-fn');
    await awsOk(server.url, env, [
      'lambda', 'create-function', '--function-name', fn, '--runtime', 'nodejs20.x', '--handler', 'index.handler', '--role', ROLE, '--zip-file', zipArg,
    ]);
    const queue = uniqueName('cli-esm-q');
    const created = await awsOk(server.url, env, ['sqs', 'create-queue', '--queue-name', queue]);
    const attrs = await awsOk(server.url, env, ['sqs', 'get-queue-attributes', '--queue-url', created.json.QueueUrl, '--attribute-names', 'QueueArn']);
    assert.equal(attrs.json.Attributes.QueueArn, `arn:aws:sqs:us-east-1:${ACCOUNT}:${queue}`);
    return { fn, queueArn: attrs.json.Attributes.QueueArn };
  }

  const getMapping = (uuid: string) => awsCli(server.url, env, ['lambda', 'get-event-source-mapping', '--uuid', uuid]);

  async function waitForState(uuid: string, state: string): Promise<any> {
    return waitFor(`mapping ${uuid} to be ${state}`, async () => {
      const r = await getMapping(uuid);
      return r.code === 0 && r.json.State === state ? r.json : undefined;
    });
  }

  test('create-event-source-mapping --batch-size 5, get until Enabled, list, update --no-enabled, delete', async () => {
    const { fn, queueArn } = await functionAndQueue();
    const created = await awsOk(server.url, env, [
      'lambda', 'create-event-source-mapping', '--function-name', fn, '--event-source-arn', queueArn, '--batch-size', '5',
    ]);
    const m = created.json;
    assert.match(m.UUID, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(m.State, 'Creating');
    assert.equal(m.BatchSize, 5);
    assert.equal(m.MaximumBatchingWindowInSeconds, 0);
    assert.equal(m.EventSourceArn, queueArn);
    assert.equal(m.FunctionArn, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${fn}`);
    assert.equal(m.StateTransitionReason, 'USER_INITIATED');
    assert.equal(m.LastProcessingResult, 'No records processed');
    assert.deepEqual(m.FunctionResponseTypes, []);
    assert.equal(m.EventSourceMappingArn, `arn:aws:lambda:us-east-1:${ACCOUNT}:event-source-mapping:${m.UUID}`);
    // Epoch seconds on the wire: CLI v1 prints them as they came, v2 as an ISO 8601 date.
    const modifiedMs = /^\d+(\.\d+)?$/.test(String(m.LastModified)) ? Number(m.LastModified) * 1000 : Date.parse(m.LastModified);
    assert.ok(Math.abs(modifiedMs - Date.now()) < 60_000, `LastModified ${m.LastModified}`);

    const enabled = await waitForState(m.UUID, 'Enabled');
    assert.equal(enabled.BatchSize, 5);

    const byFunction = await awsOk(server.url, env, ['lambda', 'list-event-source-mappings', '--function-name', fn]);
    assert.deepEqual(byFunction.json.EventSourceMappings.map((x: { UUID: string }) => x.UUID), [m.UUID]);
    const bySource = await awsOk(server.url, env, ['lambda', 'list-event-source-mappings', '--event-source-arn', queueArn, '--query', 'EventSourceMappings[].UUID']);
    assert.deepEqual(bySource.json, [m.UUID]);

    const off = await awsOk(server.url, env, ['lambda', 'update-event-source-mapping', '--uuid', m.UUID, '--no-enabled', '--batch-size', '8']);
    assert.equal(off.json.State, 'Disabling');
    assert.equal(off.json.BatchSize, 8);
    await waitForState(m.UUID, 'Disabled');

    const del = await awsOk(server.url, env, ['lambda', 'delete-event-source-mapping', '--uuid', m.UUID]);
    assert.equal(del.json.State, 'Deleting');
    assert.equal(del.json.UUID, m.UUID);
    await waitFor('the mapping to be gone', async () => (await getMapping(m.UUID)).code !== 0);
    assertCliError(await getMapping(m.UUID), 'ResourceNotFoundException', /The resource you requested does not exist\./);
    const after = await awsOk(server.url, env, ['lambda', 'list-event-source-mappings', '--function-name', fn]);
    assert.deepEqual(after.json.EventSourceMappings, []);
  });

  test('errors: a duplicate mapping, a missing queue, a batch too large without a window', async () => {
    const { fn, queueArn } = await functionAndQueue();
    const first = await awsOk(server.url, env, ['lambda', 'create-event-source-mapping', '--function-name', fn, '--event-source-arn', queueArn]);
    const dup = await awsCli(server.url, env, ['lambda', 'create-event-source-mapping', '--function-name', fn, '--event-source-arn', queueArn]);
    assertCliError(dup, 'ResourceConflictException', new RegExp(escape(
      `An event source mapping with SQS arn (" ${queueArn} ") and function (" ${fn} ") already exists. Please update or delete the existing mapping with UUID ${first.json.UUID}`)));

    const missing = await awsCli(server.url, env, [
      'lambda', 'create-event-source-mapping', '--function-name', fn, '--event-source-arn', `arn:aws:sqs:us-east-1:${ACCOUNT}:${uniqueName('cli-esm-none')}`,
    ]);
    assertCliError(missing, 'InvalidParameterValueException', /AWS\.SimpleQueueService\.NonExistentQueue/);

    const { fn: fn2, queueArn: q2 } = await functionAndQueue();
    const big = await awsCli(server.url, env, ['lambda', 'create-event-source-mapping', '--function-name', fn2, '--event-source-arn', q2, '--batch-size', '100']);
    assertCliError(big, 'InvalidParameterValueException', /Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10/);
    const list = await awsOk(server.url, env, ['lambda', 'list-event-source-mappings', '--function-name', fn2]);
    assert.deepEqual(list.json.EventSourceMappings, []);
  });
});

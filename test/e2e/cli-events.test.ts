// EventBridge end to end through the real AWS CLI (`aws events put-rule --event-pattern / --schedule-expression`,
// `put-targets`, `put-events`, `list-rules`, `describe-rule`, `delete-rule`) against a spawned
// `lambkin start --schedule-time-scale 120`. The function echoes its event to an SQS queue; the test reads it back.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { awsCli, awsOk, awsToolEnv, type CliResult } from '../helpers/aws-cli.js';
import { ACCOUNT, fnArn, REGION, REPORTER, UUID } from '../helpers/async.js';
import { ROLE } from '../helpers/functions.js';
import { tempDir, uniqueName, waitFor } from '../helpers/server.js';
import { killAllSpawned, spawnLambkin, stopLambkin, type SpawnedLambkin } from '../helpers/spawned-lambkin.js';
import { zipOf } from '../helpers/zip.js';

const scratch = tempDir('lambkin-e2e-cli-events-');
const env = awsToolEnv(scratch);
const ruleArn = (name: string) => `arn:aws:events:${REGION}:${ACCOUNT}:rule/${name}`;

after(async () => {
  await killAllSpawned();
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe('AWS CLI: EventBridge rules, targets and events against `lambkin start --schedule-time-scale 120`', () => {
  let server: SpawnedLambkin;
  before(async () => {
    server = await spawnLambkin(path.join(scratch, 'data'), ['--schedule-time-scale', '120']);
  });
  after(async () => {
    if (server) await stopLambkin(server);
  });

  const ok = (args: string[]) => awsOk(server.url, env, args);
  const run = (args: string[]): Promise<CliResult> => awsCli(server.url, env, args);

  async function reporterFunction(): Promise<{ fn: string; queueUrl: string }> {
    const out = uniqueName('out');
    const queueUrl = (await ok(['sqs', 'create-queue', '--queue-name', out])).json.QueueUrl as string;
    const fn = uniqueName('cli-events');
    const zip = path.join(scratch, `${fn}.zip`);
    fs.writeFileSync(zip, zipOf({ 'index.mjs': REPORTER }));
    await ok([
      'lambda', 'create-function', '--function-name', fn, '--runtime', 'nodejs20.x', '--handler', 'index.handler', '--role', ROLE,
      '--zip-file', `fileb://${zip}`, '--environment', `Variables={OUT_NAME=${out}}`,
    ]);
    return { fn, queueUrl };
  }

  async function allow(fn: string, rule: string): Promise<void> {
    await ok([
      'lambda', 'add-permission', '--function-name', fn, '--statement-id', uniqueName('events'), '--action', 'lambda:InvokeFunction',
      '--principal', 'events.amazonaws.com', '--source-arn', ruleArn(rule),
    ]);
  }

  /** `start` reports of the function's runs, read with `aws sqs receive-message` until `n` came. */
  async function runs(queueUrl: string, n: number): Promise<any[]> {
    const got: any[] = [];
    await waitFor(`${n} runs reported`, async () => {
      const r = await ok(['sqs', 'receive-message', '--queue-url', queueUrl, '--max-number-of-messages', '10', '--wait-time-seconds', '1']);
      for (const m of r.json?.Messages ?? []) {
        const report = JSON.parse(m.Body);
        if (report.phase === 'start') got.push(report.event);
        await ok(['sqs', 'delete-message', '--queue-url', queueUrl, '--receipt-handle', m.ReceiptHandle]);
      }
      return got.length >= n;
    }, 30_000, 0);
    return got;
  }

  test('put-rule --event-pattern, put-targets, put-events: the function gets the event; describe/list/delete', async () => {
    const { fn, queueUrl } = await reporterFunction();
    const rule = uniqueName('cli-rule');
    const source = uniqueName('cli.source');
    const pattern = JSON.stringify({ source: [source], detail: { kind: ['wanted'] } });
    const put = await ok(['events', 'put-rule', '--name', rule, '--event-pattern', pattern, '--description', 'from the CLI']);
    assert.deepEqual(put.json, { RuleArn: ruleArn(rule) });
    await allow(fn, rule);
    const targets = await ok(['events', 'put-targets', '--rule', rule, '--targets', `Id=fn,Arn=${fnArn(fn)}`]);
    assert.deepEqual(targets.json, { FailedEntryCount: 0, FailedEntries: [] });

    const entries = JSON.stringify([
      { Source: source, DetailType: 'CLI Test', Detail: JSON.stringify({ kind: 'ignored' }) },
      { Source: source, DetailType: 'CLI Test', Detail: JSON.stringify({ kind: 'wanted', n: 7 }) },
    ]);
    const sent = await ok(['events', 'put-events', '--entries', entries]);
    assert.equal(sent.json.FailedEntryCount, 0);
    assert.equal(sent.json.Entries.length, 2);
    const [event] = await runs(queueUrl, 1);
    assert.equal(event.id, sent.json.Entries[1].EventId);
    assert.match(event.id, UUID);
    assert.equal(event.version, '0');
    assert.equal(event['detail-type'], 'CLI Test');
    assert.equal(event.source, source);
    assert.equal(event.account, ACCOUNT);
    assert.equal(event.region, REGION);
    assert.deepEqual(event.resources, []);
    assert.deepEqual(event.detail, { kind: 'wanted', n: 7 });

    const described = await ok(['events', 'describe-rule', '--name', rule]);
    assert.equal(described.json.EventPattern, pattern);
    assert.equal(described.json.Description, 'from the CLI');
    const listed = await ok(['events', 'list-rules', '--name-prefix', rule]);
    assert.deepEqual(listed.json.Rules.map((r: { Name: string }) => r.Name), [rule]);
    const refused = await run(['events', 'delete-rule', '--name', rule]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /An error occurred \(ValidationException\) when calling the DeleteRule operation: Rule can't be deleted since it has targets\./);
    await ok(['events', 'remove-targets', '--rule', rule, '--ids', 'fn']);
    await ok(['events', 'delete-rule', '--name', rule]);
    const gone = await run(['events', 'describe-rule', '--name', rule]);
    assert.match(gone.stderr, new RegExp(`\\(ResourceNotFoundException\\) when calling the DescribeRule operation: Rule ${rule} does not exist on EventBus default\\.`));
  });

  test('put-rule --schedule-expression fires the Scheduled Event repeatedly (time scaled 120×); an invalid expression is refused', async () => {
    const { fn, queueUrl } = await reporterFunction();
    const rule = uniqueName('cli-schedule');
    const bad = await run(['events', 'put-rule', '--name', rule, '--schedule-expression', 'cron(0 12 * * *)']);
    assert.match(bad.stderr, /\(ValidationException\) when calling the PutRule operation: Parameter ScheduleExpression is not valid\./);
    await ok(['events', 'put-rule', '--name', rule, '--schedule-expression', 'rate(1 minute)']);
    await allow(fn, rule);
    await ok(['events', 'put-targets', '--rule', rule, '--targets', JSON.stringify([{ Id: 'fn', Arn: fnArn(fn) }])]);
    const events = (await runs(queueUrl, 2)).sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    for (const e of events) {
      assert.equal(e.source, 'aws.events');
      assert.equal(e['detail-type'], 'Scheduled Event');
      assert.deepEqual(e.resources, [ruleArn(rule)]);
      assert.deepEqual(e.detail, {});
      assert.match(e.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    assert.equal(Date.parse(events[1].time) - Date.parse(events[0].time), 60_000);
    await ok(['events', 'disable-rule', '--name', rule]);
    assert.equal((await ok(['events', 'describe-rule', '--name', rule])).json.State, 'DISABLED');
  });
});

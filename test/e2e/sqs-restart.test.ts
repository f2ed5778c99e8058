// Durability of the pull model across a real crash: SIGKILL a spawned `lambkin start`, start it again on the same
// data dir, and check that nothing SendMessage acknowledged was lost, that in-flight messages come back once their
// visibility timeout has passed, and that event source mappings keep polling.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { CreateEventSourceMappingCommand, GetEventSourceMappingCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { deploy } from '../helpers/functions.js';
import { TEST_CREDENTIALS, tempDir, uniqueName, waitFor } from '../helpers/server.js';
import { childProcesses, isRunning, killAllSpawned, spawnLambkin, stopLambkin, type ProcInfo, type SpawnedLambkin } from '../helpers/spawned-lambkin.js';

const clients = (url: string) => ({
  sqs: new SQSClient({ endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 }),
  lambda: new LambdaClient({ endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 }),
});

/** Reports each record's first line of work to OUT, then on a first delivery works for 2 s, long enough to be killed. */
const SLOW_ON_FIRST = `
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
export const handler = async (event) => {
  for (const r of event.Records) {
    await sqs.send(new SendMessageCommand({ QueueUrl: \`\${process.env.AWS_ENDPOINT_URL}/000000000000/\${process.env.OUT_NAME}\`, MessageBody: JSON.stringify({ body: r.body, count: r.attributes.ApproximateReceiveCount }) }));
    if (r.attributes.ApproximateReceiveCount === '1') await new Promise((res) => setTimeout(res, 2000));
  }
};`;

const dataDirs: string[] = [];
const strays: ProcInfo[] = [];
after(async () => {
  await killAllSpawned();
  for (const p of strays) if (isRunning(p)) process.kill(p.pid, 'SIGKILL');
  for (const d of dataDirs) fs.rmSync(d, { recursive: true, force: true });
});

async function kill(server: SpawnedLambkin): Promise<void> {
  strays.push(...childProcesses(server.pid));
  server.proc.kill('SIGKILL');
  assert.equal((await server.exited).signal, 'SIGKILL');
}

async function counts(sqs: SQSClient, url: string) {
  const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
  return { visible: Number(a.ApproximateNumberOfMessages), inFlight: Number(a.ApproximateNumberOfMessagesNotVisible) };
}

describe('SQS across a SIGKILL', () => {
  test('acknowledged messages survive; in-flight ones come back after their visibility timeout', async () => {
    const dataDir = tempDir();
    dataDirs.push(dataDir);
    const first = await spawnLambkin(dataDir);
    const a = clients(first.url);
    const name = uniqueName('durable');
    const { QueueUrl } = await a.sqs.send(new CreateQueueCommand({ QueueName: name }));
    const sends = [];
    for (let i = 0; i < 20; i++) {
      sends.push(a.sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [...Array(10).keys()].map((j) => ({ Id: `m${j}`, MessageBody: `m-${i}-${j}` })) })));
    }
    for (const s of await Promise.all(sends)) assert.equal(s.Failed?.length ?? 0, 0);
    const inFlight = await a.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 6 }));
    assert.equal(inFlight.Messages!.length, 10);
    await kill(first);

    const second = await spawnLambkin(dataDir);
    const b = clients(second.url);
    try {
      const url = (await b.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
      assert.deepEqual(await counts(b.sqs, url), { visible: 190, inFlight: 10 });
      const seen = new Map<string, string>();
      await waitFor('every message back, the in-flight ones received a second time', async () => {
        const r = await b.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }));
        for (const m of r.Messages ?? []) {
          seen.set(m.Body!, m.Attributes!.ApproximateReceiveCount!);
          await b.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
        }
        return seen.size === 200;
      }, 20_000, 0);
      const again = [...seen.values()].filter((c) => c === '2').length;
      assert.equal(again, 10, 'the ten in-flight messages were received once before the kill');
      assert.deepEqual(await counts(b.sqs, url), { visible: 0, inFlight: 0 });
    } finally {
      b.sqs.destroy();
      b.lambda.destroy();
      await stopLambkin(second);
    }
  });

  test('an event source mapping keeps polling after a restart and the batch cut off by the kill is delivered again', async () => {
    const dataDir = tempDir();
    dataDirs.push(dataDir);
    const first = await spawnLambkin(dataDir);
    const a = clients(first.url);
    const base = uniqueName('esm-restart');
    const source = (await a.sqs.send(new CreateQueueCommand({ QueueName: base, Attributes: { VisibilityTimeout: '3' } }))).QueueUrl!;
    const out = (await a.sqs.send(new CreateQueueCommand({ QueueName: `${base}-out` }))).QueueUrl!;
    const arn = (await a.sqs.send(new GetQueueAttributesCommand({ QueueUrl: source, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    // The out queue by name: the restarted server listens on another port, and a queue URL names its endpoint.
    const fn = await deploy(a.lambda, { 'index.mjs': SLOW_ON_FIRST }, { environment: { OUT_NAME: `${base}-out` }, timeout: 3 });
    const { UUID } = await a.lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: arn, BatchSize: 1 }));
    await a.sqs.send(new SendMessageBatchCommand({ QueueUrl: source, Entries: [{ Id: 'x', MessageBody: 'cut-off' }] }));
    const firstTry = await waitFor('the first delivery to start', async () => {
      const r = await a.sqs.send(new ReceiveMessageCommand({ QueueUrl: out, WaitTimeSeconds: 1 }));
      return r.Messages?.[0];
    });
    assert.deepEqual(JSON.parse(firstTry!.Body!), { body: 'cut-off', count: '1' });
    await kill(first);

    const second = await spawnLambkin(dataDir);
    const b = clients(second.url);
    try {
      const m = await b.lambda.send(new GetEventSourceMappingCommand({ UUID }));
      assert.equal(m.State, 'Enabled');
      const retry = await waitFor('the redelivery after the restart', async () => {
        const r = await b.sqs.send(new ReceiveMessageCommand({ QueueUrl: out, WaitTimeSeconds: 1 }));
        return (r.Messages ?? []).map((x) => JSON.parse(x.Body!)).find((x) => x.count === '2');
      }, 15_000, 0);
      assert.equal(retry.body, 'cut-off');
      await waitFor('the source queue to be empty', async () => {
        const c = await counts(b.sqs, source);
        return c.visible === 0 && c.inFlight === 0;
      });
    } finally {
      b.sqs.destroy();
      b.lambda.destroy();
      await stopLambkin(second);
    }
  });
});

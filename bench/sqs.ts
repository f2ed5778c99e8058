/**
 * SQS figures for `npm run bench`: the queue alone (send + receive + delete in batches of 10), the pull model end
 * to end (SendMessageBatch → event source mapping → no-op function → deleted) at BatchSize 10 and 100, and the
 * delivery latency of a message sent to an idle, mapped queue. The queue-alone loop also runs against the moto SQS
 * server when it is installed, as the comparison.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { zipSync } from 'fflate';

const AUTH = 'AWS4-HMAC-SHA256 Credential=test/20261204/us-east-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=00';
const LAMBDA_AUTH = AUTH.replace('/sqs/', '/lambda/');

type Json = Record<string, any>;

/** One keep-alive connection per client, as an SDK client would hold. */
function client(port: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const call = (method: string, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; json: Json }> =>
    new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, json: text ? JSON.parse(text) : {} }));
      });
      req.on('error', reject);
      req.end(body);
    });
  return {
    sqs: async (op: string, input: Json): Promise<Json> => {
      const r = await call('POST', '/', {
        Authorization: AUTH, 'X-Amz-Date': '20261204T000000Z', 'X-Amz-Target': `AmazonSQS.${op}`, 'Content-Type': 'application/x-amz-json-1.0',
      }, JSON.stringify(input));
      if (r.status !== 200) throw new Error(`${op} ${r.status}: ${JSON.stringify(r.json)}`);
      return r.json;
    },
    lambda: async (method: string, path: string, input?: Json): Promise<Json> => {
      const r = await call(method, path, { Authorization: LAMBDA_AUTH, 'X-Amz-Date': '20261204T000000Z' }, input ? JSON.stringify(input) : '');
      if (r.status >= 300) throw new Error(`${method} ${path} ${r.status}: ${JSON.stringify(r.json)}`);
      return r.json;
    },
    close: () => agent.destroy(),
  };
}

type Client = ReturnType<typeof client>;

const entries = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ Id: `m${i}`, MessageBody: `${tag}-${i}` }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number, d = 0) => n.toFixed(d);

async function createQueue(c: Client, name: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await c.sqs('CreateQueue', { QueueName: name });
  const { Attributes } = await c.sqs('GetQueueAttributes', { QueueUrl, AttributeNames: ['QueueArn'] });
  return { url: QueueUrl, arn: Attributes.QueueArn };
}

/** Send 10, receive up to 10, delete what came, by `clients` loops at once; msgs/s counts deleted messages. */
export async function queueAlone(port: number, clients: number, durationMs: number): Promise<{ perSecond: number }> {
  const admin = client(port);
  const { url } = await createQueue(admin, `bench-alone-${Date.now()}`);
  admin.close();
  let done = 0;
  const until = performance.now() + durationMs;
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    const c = client(port);
    while (performance.now() < until) {
      await c.sqs('SendMessageBatch', { QueueUrl: url, Entries: entries(10, 'x') });
      const { Messages = [] } = await c.sqs('ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 10 });
      if (Messages.length === 0) continue;
      await c.sqs('DeleteMessageBatch', { QueueUrl: url, Entries: Messages.map((m: Json, i: number) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) });
      done += Messages.length;
    }
    c.close();
  }));
  return { perSecond: done / ((performance.now() - started) / 1000) };
}

async function createFunction(c: Client, name: string, code: string, env: Record<string, string> = {}): Promise<void> {
  const zip = Buffer.from(zipSync({ 'index.mjs': new TextEncoder().encode(code) })).toString('base64');
  await c.lambda('POST', '/2015-03-31/functions', {
    FunctionName: name, Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/bench', Handler: 'index.handler',
    Code: { ZipFile: zip }, Environment: { Variables: env },
  });
}

async function mapAndWait(c: Client, fn: string, arn: string, extra: Json): Promise<string> {
  const { UUID } = await c.lambda('POST', '/2015-03-31/event-source-mappings', { FunctionName: fn, EventSourceArn: arn, ...extra });
  for (let i = 0; i < 200; i++) {
    if ((await c.lambda('GET', `/2015-03-31/event-source-mappings/${UUID}`)).State === 'Enabled') return UUID;
    await sleep(10);
  }
  throw new Error('mapping never became Enabled');
}

async function remaining(c: Client, url: string): Promise<number> {
  const { Attributes } = await c.sqs('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] });
  return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
}

/**
 * `total` messages sent by 4 producers in batches of 10 while a mapping drains the queue into a no-op function;
 * the figure is total / (time from the first send until the queue is empty).
 */
export async function endToEnd(port: number, batchSize: number, total: number): Promise<{ perSecond: number }> {
  const c = client(port);
  const tag = `bench-e2e-${batchSize}-${Date.now()}`;
  const q = await createQueue(c, tag);
  await createFunction(c, tag, 'export const handler = async () => {};');
  const uuid = await mapAndWait(c, tag, q.arn, { BatchSize: batchSize, ...(batchSize > 10 ? { MaximumBatchingWindowInSeconds: 1 } : {}) });
  const started = performance.now();
  let sent = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    const p = client(port);
    while (sent < total) {
      sent += 10;
      await p.sqs('SendMessageBatch', { QueueUrl: q.url, Entries: entries(10, 'e') });
    }
    p.close();
  }));
  while ((await remaining(c, q.url)) > 0) await sleep(2);
  const seconds = (performance.now() - started) / 1000;
  await c.lambda('DELETE', `/2015-03-31/event-source-mappings/${uuid}`);
  c.close();
  return { perSecond: sent / seconds };
}

const LATENCY_FN = `
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
export const handler = async (event) => {
  const at = performance.timeOrigin + performance.now();
  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.OUT, MessageBody: JSON.stringify({ at, body: event.Records[0].body }) }));
};`;

/** Sends one message at a time to an idle mapped queue; the function notes when it started (same machine clock). */
export async function idleLatency(port: number, runs: number): Promise<{ p50Ms: number; p99Ms: number }> {
  const c = client(port);
  const tag = `bench-latency-${Date.now()}`;
  const q = await createQueue(c, tag);
  const out = await createQueue(c, `${tag}-out`);
  await createFunction(c, tag, LATENCY_FN, { OUT: out.url });
  await mapAndWait(c, tag, q.arn, { BatchSize: 1 });
  const latencies: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    await sleep(50);
    const sentAt = performance.timeOrigin + performance.now();
    await c.sqs('SendMessage', { QueueUrl: q.url, MessageBody: `l${i}` });
    const { Messages = [] } = await c.sqs('ReceiveMessage', { QueueUrl: out.url, WaitTimeSeconds: 20 });
    const m = Messages[0];
    if (!m) throw new Error('no delivery within 20 s');
    await c.sqs('DeleteMessage', { QueueUrl: out.url, ReceiptHandle: m.ReceiptHandle });
    if (i >= 3) latencies.push(JSON.parse(m.Body).at - sentAt); // the first runs start the environment
  }
  c.close();
  latencies.sort((a, b) => a - b);
  return { p50Ms: latencies[Math.floor(runs / 2)]!, p99Ms: latencies[Math.min(runs - 1, Math.floor(runs * 0.99))]! };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** The moto SQS server's queue-alone figure, or undefined when moto is not installed. */
export async function motoQueueAlone(durationMs: number): Promise<{ perSecond: number } | undefined> {
  const port = await freePort();
  const proc = spawn('python3', ['-m', 'moto.server', '-p', String(port)], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  try {
    for (let i = 0; ; i++) {
      if (proc.exitCode !== null) return undefined;
      try {
        await client(port).sqs('ListQueues', {});
        break;
      } catch {
        if (i > 150) return undefined;
        await sleep(100);
      }
    }
    return await queueAlone(port, 4, durationMs);
  } finally {
    proc.kill('SIGKILL');
    await exited;
  }
}

export function sqsLines(r: {
  alone: { perSecond: number }; moto?: { perSecond: number } | undefined; e2e10: { perSecond: number }; e2e100: { perSecond: number };
  latency: { p50Ms: number; p99Ms: number };
}): string[] {
  const vsMoto = r.moto ? `  (${fmt(r.alone.perSecond / r.moto.perSecond, 0)}× moto)` : '';
  return [
    `(d) SQS queue alone, 8 clients          ${fmt(r.alone.perSecond).padStart(7)} msgs/s  send+receive+delete, batches of 10${vsMoto}`,
    r.moto ? `(d) moto SQS server, same loop, 4 cl.  ${fmt(r.moto.perSecond).padStart(7)} msgs/s` : '(d) moto SQS server: not installed, skipped',
    `(e) SQS → mapping → no-op, BatchSize 10 ${fmt(r.e2e10.perSecond).padStart(7)} msgs/s end to end`,
    `(e) SQS → mapping → no-op, BatchSize 100${fmt(r.e2e100.perSecond).padStart(7)} msgs/s end to end`,
    `(f) idle mapped queue → function start  p50 ${fmt(r.latency.p50Ms, 2)} ms  p99 ${fmt(r.latency.p99Ms, 2)} ms`,
  ];
}

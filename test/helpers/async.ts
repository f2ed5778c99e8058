// Helpers for asynchronous invocation tests: queues that functions report to, reading those reports and the
// invocation records that destinations receive, and lambkin's /_lambkin/async backlog view.
import {
  CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type SQSClient,
} from '@aws-sdk/client-sqs';
import { uniqueName, waitFor } from './server.js';
import type { FunctionBacklog } from '../../src/lambda/async/async-invocations.js';

export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';
export const fnArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
export const queueArn = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** ISO-8601 UTC with milliseconds, as the record's `timestamp`. */
export const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/**
 * A function that reports each run to the standard queue named by OUT_NAME (URL built from AWS_ENDPOINT_URL, so it
 * survives a server restart on another port): one `start` message when the run begins and one `end` message just
 * before it returns or throws. The event steers it: `sleepMs` waits first, `failTimes: n` fails the first n runs of
 * one request id in this environment, `fail: <message>` always fails, `exit: true` kills the runtime process,
 * `result` is returned (default `{ ok: true, got: event }`). Events over 10 KB are reported as `{ bigEvent: <size> }`.
 */
export const REPORTER = `
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
const runs = new Map();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const handler = async (event, context) => {
  const started = Date.now();
  const n = (runs.get(context.awsRequestId) ?? 0) + 1;
  runs.set(context.awsRequestId, n);
  // A big event is reported by its size only: a report must fit in an SQS message.
  const size = JSON.stringify(event ?? null).length;
  const shown = size > 10000 ? { bigEvent: size } : event;
  const report = (phase) => sqs.send(new SendMessageCommand({
    QueueUrl: process.env.AWS_ENDPOINT_URL + '/${ACCOUNT}/' + process.env.OUT_NAME,
    MessageBody: JSON.stringify({ phase, event: shown, started, at: Date.now(), run: n, requestId: context.awsRequestId, invokedArn: context.invokedFunctionArn }),
  }));
  await report('start');
  if (event && event.sleepMs) await sleep(event.sleepMs);
  if (event && event.exit) process.exit(3);
  await report('end');
  if (event && event.fail) throw new Error(event.fail);
  if (event && event.failTimes && n <= event.failTimes) throw new Error('failing run ' + n);
  return event && event.result !== undefined ? event.result : { ok: true, got: event };
};`;

export interface Report {
  phase: 'start' | 'end';
  event: any;
  started: number;
  at: number;
  run: number;
  requestId: string;
  invokedArn: string;
}

export interface TestQueue {
  name: string;
  url: string;
  arn: string;
}

export async function createQueue(sqs: SQSClient, prefix = 'q'): Promise<TestQueue> {
  const name = uniqueName(prefix);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  return { name, url: QueueUrl!, arn: queueArn(name) };
}

/** Receives (and deletes) messages until `n` have arrived; bounded by `timeoutMs`. */
export async function receive(sqs: SQSClient, url: string, n: number, timeoutMs = 15_000, what = `${n} messages`): Promise<Message[]> {
  const got: Message[] = [];
  await waitFor(what, async () => {
    if (got.length >= n) return true;
    const r = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: url, MaxNumberOfMessages: Math.min(10, n - got.length), WaitTimeSeconds: 1, MessageAttributeNames: ['All'],
    }));
    const batch = r.Messages ?? [];
    got.push(...batch);
    if (batch.length) {
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: batch.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })) }));
    }
    return got.length >= n;
  }, timeoutMs, 0);
  return got;
}

/** Receives `n` JSON bodies (records or reports). */
export async function receiveJson<T = any>(sqs: SQSClient, url: string, n: number, timeoutMs = 15_000, what?: string): Promise<T[]> {
  return (await receive(sqs, url, n, timeoutMs, what)).map((m) => JSON.parse(m.Body!) as T);
}

/** Messages in a queue right now: visible + in flight + delayed. */
export async function queueDepth(sqs: SQSClient, url: string): Promise<number> {
  const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
  return Number(a.ApproximateNumberOfMessages) + Number(a.ApproximateNumberOfMessagesNotVisible) + Number(a.ApproximateNumberOfMessagesDelayed);
}

/** Reports of runs, `start` reports only, sorted by start time. */
export const starts = (reports: Report[]) => reports.filter((r) => r.phase === 'start').sort((a, b) => a.started - b.started);


/** GET /_lambkin/async: the backlog of one function (undefined when lambkin lists none for it). */
export async function backlogOf(url: string, fn: string): Promise<FunctionBacklog | undefined> {
  const res = await fetch(`${url}/_lambkin/async`);
  if (res.status !== 200) throw new Error(`/_lambkin/async answered ${res.status}`);
  const body = (await res.json()) as { functions: FunctionBacklog[] };
  return body.functions.find((f) => f.functionArn === fnArn(fn));
}

/** Whether lambkin holds no unfinished event of `fn`. */
export async function drained(url: string, fn: string): Promise<boolean> {
  const b = await backlogOf(url, fn);
  return !b || b.queued + b.running + b.retrying === 0;
}

/** The most concurrent runs at any instant, from start/end pairs of reports (same request id and run number). */
export function maxOverlap(reports: Report[]): number {
  const points: [number, number][] = [];
  for (const r of reports) points.push([r.phase === 'start' ? r.started : r.at, r.phase === 'start' ? 1 : -1]);
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of points) max = Math.max(max, (now += d));
  return max;
}

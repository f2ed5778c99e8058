/**
 * Async invocation figures for `npm run bench`: durable Event accepts per second at 16 and 64 clients (into a
 * function that is kept from draining, so the figure is the accept path alone), and the drain rate of a stored
 * backlog (events per second run through a no-op function after a restart, nothing else going on).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { httpRequest, runLoad, type LoadResult } from './load.js';
import { startLambkin, stopProcess } from './processes.js';

const AUTH = 'AWS4-HMAC-SHA256 Credential=test/20261204/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=00';
const HEADERS = { Authorization: AUTH, 'X-Amz-Date': '20261204T000000Z' };

function call(port: number, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const text = body === undefined ? '' : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { ...HEADERS, 'Content-Length': Buffer.byteLength(text) } }, (res) => {
      let out = '';
      res.on('data', (c) => (out += c));
      res.on('end', () => resolve({ status: res.statusCode!, json: out ? JSON.parse(out) : {} }));
    });
    req.on('error', reject);
    req.end(text);
  });
}

async function createFunction(port: number, name: string, code: string): Promise<void> {
  const zip = Buffer.from(zipSync({ 'index.mjs': new TextEncoder().encode(code) })).toString('base64');
  const r = await call(port, 'POST', '/2015-03-31/functions', {
    FunctionName: name, Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/bench', Handler: 'index.handler', Code: { ZipFile: zip },
  });
  if (r.status !== 201) throw new Error(`CreateFunction ${r.status}: ${JSON.stringify(r.json)}`);
}

async function backlog(port: number, name: string): Promise<number> {
  const { json } = await call(port, 'GET', '/_lambkin/async');
  const b = (json.functions as any[]).find((f) => f.functionArn.endsWith(`:function:${name}`));
  return b ? b.queued + b.running + b.retrying : 0;
}

const eventRequest = (name: string) =>
  httpRequest('POST', `/2015-03-31/functions/${name}/invocations`, { ...HEADERS, 'X-Amz-Invocation-Type': 'Event' }, '{"bench":true}');

/** Accepts into a function with reserved concurrency 1 whose one run sleeps: the queue only grows meanwhile. */
export async function asyncAccepts(port: number, clients: number, durationMs: number): Promise<LoadResult> {
  const name = `bench-accept-${clients}-${Date.now()}`;
  await createFunction(port, name, 'export const handler = () => new Promise((r) => setTimeout(r, 60_000));');
  await call(port, 'PUT', `/2017-10-31/functions/${name}/concurrency`, { ReservedConcurrentExecutions: 1 });
  const result = await runLoad({ port, request: eventRequest(name), clients, durationMs, expectStatus: 202 });
  // Deleting the function discards what it had queued.
  await call(port, 'DELETE', `/2015-03-31/functions/${name}`);
  return result;
}

/**
 * The drain rate of a backlog: `events` are accepted by 16 clients into a no-op function on a server of its own
 * whose whole account concurrency (1) is reserved for another function, so they wait; the server is stopped and
 * started again with the default limit. The figure is the backlog found at the restart divided by the time until
 * the last of it has run, with nothing else going on.
 */
export async function asyncDrain(events: number): Promise<{ perSecond: number; drained: number }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambkin-bench-drain-'));
  const name = 'bench-drain';
  try {
    let server = await startLambkin(dataDir, ['--account-concurrency', '1', '--min-unreserved-concurrency', '0']);
    await createFunction(server.port, 'blocker', 'export const handler = async () => {};');
    await call(server.port, 'PUT', '/2017-10-31/functions/blocker/concurrency', { ReservedConcurrentExecutions: 1 });
    await createFunction(server.port, name, 'export const handler = async () => {};');
    const request = eventRequest(name);
    for (let accepted = 0; accepted < events;) {
      accepted += (await runLoad({ port: server.port, request, clients: 16, durationMs: 200, expectStatus: 202 })).requests;
    }
    await stopProcess(server.proc);
    server = await startLambkin(dataDir);
    const started = performance.now();
    const drained = await backlog(server.port, name);
    while ((await backlog(server.port, name)) > 0) await new Promise((r) => setTimeout(r, 5));
    const seconds = (performance.now() - started) / 1000;
    await stopProcess(server.proc);
    return { perSecond: drained / seconds, drained };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

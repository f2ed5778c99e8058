/**
 * npm run bench — not a test. Prints each figure beside the ceiling measured in the same run:
 *  (a) a bare node:http server answering a small JSON body;
 *  (b) warm Invoke of a no-op function through the Lambda API at 1 and 16 clients;
 *  (c) cold start: CreateFunction of a fresh function → its first successful invoke (median of 12);
 *  (d)–(f) SQS: the queue alone (beside the moto server when installed), the pull model end to end, and the
 *  delivery latency of an idle mapped queue (bench/sqs.ts);
 *  (g)–(h) async Event invokes: durable accepts at 16 and 64 clients, and the drain rate (bench/async.ts);
 *  (i)–(j) the HTTP fronts: an API Gateway proxy route and a function URL to a no-op function at 16 clients
 *  (bench/fronts.ts).
 * BENCH_ONLY=lambda, BENCH_ONLY=sqs, BENCH_ONLY=async or BENCH_ONLY=fronts runs one part (fronts and lambda also
 * measure the bare ceiling and direct Invoke to compare with).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { httpRequest, runLoad, type LoadResult } from './load.js';
import { startLambkin, startProcess, stopProcess } from './processes.js';
import { asyncAccepts, asyncDrain } from './async.js';
import { benchFronts } from './fronts.js';
import { endToEnd, idleLatency, motoQueueAlone, queueAlone, sqsLines } from './sqs.js';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 4000);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 12);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 8000);
const ROOT = path.resolve(import.meta.dirname, '..');
const ONLY = process.env.BENCH_ONLY;
const E2E_MESSAGES = Number(process.env.BENCH_E2E_MESSAGES ?? 40_000);
const ASYNC_DRAIN_EVENTS = Number(process.env.BENCH_ASYNC_EVENTS ?? 20_000);
const AUTH = 'AWS4-HMAC-SHA256 Credential=test/20261203/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=00';

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function call(port: number, method: string, urlPath: string, body = ''): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ port, host: '127.0.0.1', method, path: urlPath, agent, headers: { Authorization: AUTH, 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function createBody(name: string, salt: string): string {
  const code = `exports.handler = async () => ({ ok: true }); // ${salt}\n`;
  const zip = Buffer.from(zipSync({ 'index.js': new TextEncoder().encode(code) })).toString('base64');
  return JSON.stringify({ FunctionName: name, Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/bench', Handler: 'index.handler', Code: { ZipFile: zip } });
}

async function createFunction(port: number, name: string, salt: string): Promise<void> {
  const r = await call(port, 'POST', '/2015-03-31/functions', createBody(name, salt));
  if (r.status !== 201) throw new Error(`CreateFunction ${r.status}: ${r.text}`);
}

async function invoke(port: number, name: string): Promise<void> {
  const r = await call(port, 'POST', `/2015-03-31/functions/${name}/invocations`, '{}');
  if (r.status !== 200 || r.text !== '{"ok":true}') throw new Error(`Invoke ${r.status}: ${r.text}`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number, d = 2) => n.toFixed(d);

function line(label: string, r: LoadResult, ceiling?: LoadResult): string {
  const ratio = ceiling ? `  ${fmt((r.perSecond / ceiling.perSecond) * 100, 1)}% of bare` : '';
  return `${label.padEnd(34)} ${fmt(r.perSecond, 0).padStart(7)} req/s  p50 ${fmt(r.p50Ms, 3)} ms  p99 ${fmt(r.p99Ms, 3)} ms  errors ${r.errors}${ratio}`;
}

async function benchBare(): Promise<[LoadResult, LoadResult]> {
  const { proc, port } = await startProcess([path.join(ROOT, 'bench/bare-server.mjs')], /listening (\d+)/);
  try {
    const request = httpRequest('GET', '/', {});
    await runLoad({ port, request, clients: 16, durationMs: 500 });
    return [
      await runLoad({ port, request, clients: 1, durationMs: DURATION_MS, expectStatus: 200 }),
      await runLoad({ port, request, clients: 16, durationMs: DURATION_MS, expectStatus: 200 }),
    ];
  } finally {
    proc.kill('SIGKILL');
  }
}

async function waitForSpares(port: number, want: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const health = JSON.parse((await call(port, 'GET', '/_lambkin/health')).text);
    if (health.environments?.spares >= want) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function benchInvoke(port: number, bare: [LoadResult, LoadResult]): Promise<LoadResult> {
  await createFunction(port, 'noop', 'warm');
  await invoke(port, 'noop');
  const request = httpRequest('POST', '/2015-03-31/functions/noop/invocations', { Authorization: AUTH, 'X-Amz-Date': '20261203T000000Z' }, '{}');
  // Warm up: the JIT of lambkin and of each runtime process settles over several seconds of load.
  await runLoad({ port, request, clients: 16, durationMs: WARMUP_MS });
  const warm1 = await runLoad({ port, request, clients: 1, durationMs: DURATION_MS, expectStatus: 200 });
  const warm16 = await runLoad({ port, request, clients: 16, durationMs: DURATION_MS, expectStatus: 200 });
  console.log(line('(b) warm Invoke, 1 client', warm1, bare[0]));
  console.log(line('(b) warm Invoke, 16 clients', warm16, bare[1]));

  const total: number[] = [];
  const first: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    await waitForSpares(port, 1);
    const t0 = performance.now();
    await createFunction(port, `cold-${i}`, `cold-${i}-${Date.now()}`);
    const t1 = performance.now();
    await invoke(port, `cold-${i}`);
    const t2 = performance.now();
    total.push(t2 - t0);
    first.push(t2 - t1);
  }
  console.log(`(c) cold start, median of ${COLD_RUNS}: CreateFunction → first invoke done ${fmt(median(total))} ms; first invoke alone ${fmt(median(first))} ms (min ${fmt(Math.min(...first))}, max ${fmt(Math.max(...first))})`);
  return warm16;
}

async function benchSqs(port: number): Promise<void> {
  await queueAlone(port, 8, 1000);
  const alone = await queueAlone(port, 8, DURATION_MS);
  const moto = await motoQueueAlone(Math.min(DURATION_MS, 3000));
  await endToEnd(port, 10, 5000);
  const e2e10 = await endToEnd(port, 10, E2E_MESSAGES);
  const e2e100 = await endToEnd(port, 100, E2E_MESSAGES);
  const latency = await idleLatency(port, 50);
  for (const l of sqsLines({ alone, moto, e2e10, e2e100, latency })) console.log(l);
}

async function benchAsync(port: number, sync16: LoadResult | undefined): Promise<void> {
  await asyncAccepts(port, 16, 1000);
  const a16 = await asyncAccepts(port, 16, DURATION_MS);
  const a64 = await asyncAccepts(port, 64, DURATION_MS);
  const drain = await asyncDrain(ASYNC_DRAIN_EVENTS);
  const vsSync = sync16 ? `  (sync Invoke at 16 clients: ${fmt(sync16.perSecond, 0)}/s)` : '';
  console.log(line('(g) async Event accepts, 16 clients', a16));
  console.log(line('(g) async Event accepts, 64 clients', a64));
  console.log(`(h) async drain, no-op function         ${fmt(drain.perSecond, 0).padStart(7)} events/s  (${drain.drained} events queued at a restart)${vsSync}`);
}

async function benchLambkin(bare: [LoadResult, LoadResult] | undefined): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambkin-bench-'));
  const { proc, port } = await startLambkin(dataDir);
  try {
    const sync16 = bare ? await benchInvoke(port, bare) : undefined;
    if (ONLY === undefined || ONLY === 'sqs') await benchSqs(port);
    if (ONLY === undefined || ONLY === 'async') await benchAsync(port, sync16);
    if ((ONLY === undefined || ONLY === 'fronts') && bare && sync16) {
      const fronts = await benchFronts(port, DURATION_MS, WARMUP_MS / 2);
      console.log(`${line('(i) API Gateway proxy route, 16 clients', fronts.proxy16, bare[1])}  (direct Invoke: ${fmt(sync16.perSecond, 0)}/s)`);
      console.log(`${line('(j) function URL, 16 clients', fronts.url16, bare[1])}  (direct Invoke: ${fmt(sync16.perSecond, 0)}/s)`);
    }
  } finally {
    await stopProcess(proc);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(`lambkin bench — ${os.cpus().length} cores, node ${process.version}, ${DURATION_MS} ms per load run`);
let bare: [LoadResult, LoadResult] | undefined;
if (ONLY === undefined || ONLY === 'lambda' || ONLY === 'fronts') {
  bare = await benchBare();
  console.log(line('(a) bare node:http, 1 client', bare[0]));
  console.log(line('(a) bare node:http, 16 clients', bare[1]));
}
await benchLambkin(bare);
agent.destroy();

import net from 'node:net';

/**
 * A lean HTTP/1.1 load generator: each client is one keep-alive TCP connection sending one request at a time
 * (prebuilt bytes, minimal response parsing), so the generator costs little next to the server it measures.
 */
export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LoadOptions {
  port: number;
  request: Buffer;
  clients: number;
  durationMs: number;
  /** Status every response must have (others count as errors). */
  expectStatus?: number;
}

export function httpRequest(method: string, path: string, headers: Record<string, string>, body: Buffer | string = ''): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', `Content-Length: ${b.length}`];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n'), b]);
}

function runClient(opts: LoadOptions, until: bigint, latencies: number[], counts: { ok: number; errors: number }): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(opts.port, '127.0.0.1');
    socket.setNoDelay(true);
    let buf: Buffer = Buffer.alloc(0);
    let sentAt = 0n;
    const send = () => {
      if (process.hrtime.bigint() >= until) {
        socket.end();
        return resolve();
      }
      sentAt = process.hrtime.bigint();
      socket.write(opts.request);
    };
    socket.on('connect', send);
    socket.on('error', () => {
      counts.errors++;
      resolve();
    });
    socket.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        const m = /content-length:\s*(\d+)/i.exec(head);
        const total = end + 4 + (m ? Number(m[1]) : 0);
        if (buf.length < total) return;
        const status = Number(head.slice(9, 12));
        buf = buf.subarray(total);
        latencies.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
        if (opts.expectStatus === undefined || status === opts.expectStatus) counts.ok++;
        else counts.errors++;
        send();
      }
    });
  });
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const counts = { ok: 0, errors: 0 };
  const started = process.hrtime.bigint();
  const until = started + BigInt(opts.durationMs) * 1_000_000n;
  await Promise.all(Array.from({ length: opts.clients }, () => runClient(opts, until, latencies, counts)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
  return { requests: counts.ok, errors: counts.errors, seconds, perSecond: counts.ok / seconds, p50Ms: pct(0.5), p99Ms: pct(0.99) };
}

import type { Socket } from 'node:net';

/**
 * A small HTTP/1.1 server connection for the Runtime API only. Why not node:http: a warm invoke is dominated by
 * system calls and process wake-ups, and node:http writes every response on its own. Here responses are queued
 * in request order and flushed together once the current turn of the event loop is done. An answered response
 * with a later request still open behind it on the same connection (a runtime that pipelined `GET next` after its
 * result) is held up to HOLD_MS, so that the `202` and the next event usually leave in one write and wake the
 * runtime once.
 *
 * It speaks what Runtime API clients send: keep-alive and pipelining, `Content-Length` or chunked bodies,
 * `Expect: 100-continue` (curl), HTTP/1.0 and `Connection: close`. Anything else gets a 400 (431 for a head over
 * 64 KB), in order behind the answers still due for earlier requests, and the connection is closed. Nothing after
 * a request that closes the connection (or a bad one) is read (RFC 9112 §9.6).
 */

export interface RuntimeRequest {
  method: string;
  /** The request target as sent (path and query). */
  path: string;
  /** Header names in lower case; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** Undefined when the body was larger than the limit (it was read and discarded). */
  body: Buffer | undefined;
  bodySize: number;
}

export interface Reply {
  send(status: number, body: string | Buffer, headers?: Record<string, string | number>): void;
  /** True once the connection is gone (the runtime exited, or closed it). */
  readonly closed: boolean;
  /** Runs when the connection closes before this reply was sent. */
  onClose(listener: () => void): void;
}

export type RequestHandler = (req: RuntimeRequest, reply: Reply) => void;

const MAX_HEAD_BYTES = 64 * 1024;
const HOLD_MS = 2;
const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
const STATUS_TEXT: Record<number, string> = {
  100: 'Continue', 200: 'OK', 202: 'Accepted', 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found',
  413: 'Payload Too Large', 431: 'Request Header Fields Too Large', 500: 'Internal Server Error',
};

interface Slot {
  data: Buffer | undefined;
  closeAfter: boolean;
  /** An HTTP/1.0 keep-alive request: the answer must say `Connection: keep-alive` or the client waits for EOF. */
  sayKeepAlive?: boolean;
  listeners: (() => void)[];
}

type BodyState =
  | { kind: 'length'; remaining: number }
  | { kind: 'chunked'; remaining: number; phase: 'size' | 'data' | 'data-end' | 'trailer' };

interface Pending {
  req: Omit<RuntimeRequest, 'body' | 'bodySize'>;
  body: BodyState;
  chunks: Buffer[];
  size: number;
  keepAlive: boolean;
  http10: boolean;
}

export class RuntimeConnection {
  private buffer: Buffer | undefined;
  private pending: Pending | undefined;
  private readonly slots: Slot[] = [];
  private flushScheduled = false;
  private holdTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** No more requests are read: the last one closes the connection, or was malformed. */
  private stopped = false;

  constructor(private readonly socket: Socket, private readonly handle: RequestHandler, private readonly maxBodyBytes: number) {
    socket.setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.onClosed());
    socket.on('error', () => socket.destroy());
  }

  private onData(chunk: Buffer): void {
    if (this.stopped) return;
    this.buffer = this.buffer ? Buffer.concat([this.buffer, chunk]) : chunk;
    try {
      while (!this.stopped) {
        if (!this.pending && (this.buffer!.length === 0 || !this.readHead())) return;
        if (!this.readBody()) return;
      }
    } catch (err) {
      this.fail(err instanceof BadRequest ? err.status : 400, (err as Error).message);
    }
  }

  /** Parses a request head from the buffer; false if it is not complete yet. */
  private readHead(): boolean {
    const buf = this.buffer!;
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) {
      if (buf.length > MAX_HEAD_BYTES) throw new BadRequest(431, 'request head too large');
      return false;
    }
    if (end + 4 > MAX_HEAD_BYTES) throw new BadRequest(431, 'request head too large');
    const lines = buf.toString('latin1', 0, end).split('\r\n');
    this.buffer = buf.subarray(end + 4);
    const [method, path, version] = lines[0]!.split(' ');
    if (!method || !path || !version?.startsWith('HTTP/1.')) throw new BadRequest(400, 'malformed request line');
    const headers: Record<string, string> = Object.create(null);
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) throw new BadRequest(400, 'malformed header');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    const connection = headers.connection?.toLowerCase() ?? '';
    const http10 = version !== 'HTTP/1.1';
    const keepAlive = http10 ? connection.includes('keep-alive') : !connection.includes('close');
    this.pending = { req: { method, path, headers }, body: bodyState(headers), chunks: [], size: 0, keepAlive, http10 };
    const hasBody = this.pending.body.kind === 'chunked' || this.pending.body.remaining > 0;
    // An HTTP/1.0 client does not know 1xx answers (RFC 9110 §10.1.1). The interim answer goes out in order: at once
    // when nothing is due on this connection, else behind the answers to the earlier requests.
    if (!http10 && headers.expect?.toLowerCase() === '100-continue' && hasBody) {
      if (this.slots.length === 0) this.socket.write(CONTINUE);
      else this.queue({ data: CONTINUE, closeAfter: false, listeners: [] });
    }
    return true;
  }

  /** Consumes body bytes; true when the request is complete (and dispatched). */
  private readBody(): boolean {
    const p = this.pending!;
    const done = p.body.kind === 'length' ? this.readLength(p) : this.readChunked(p);
    if (!done) return false;
    this.pending = undefined;
    this.dispatch(p);
    return true;
  }

  private take(p: Pending, n: number): void {
    const buf = this.buffer!;
    const part = buf.subarray(0, n);
    this.buffer = buf.subarray(n);
    p.size += part.length;
    if (p.size <= this.maxBodyBytes) p.chunks.push(part);
  }

  private readLength(p: Pending): boolean {
    const state = p.body;
    const n = Math.min(state.remaining, this.buffer!.length);
    this.take(p, n);
    state.remaining -= n;
    return state.remaining === 0;
  }

  private readChunked(p: Pending): boolean {
    const state = p.body as Extract<BodyState, { kind: 'chunked' }>;
    for (;;) {
      const buf = this.buffer!;
      if (state.phase === 'data') {
        const n = Math.min(state.remaining, buf.length);
        this.take(p, n);
        state.remaining -= n;
        if (state.remaining > 0) return false;
        state.phase = 'data-end';
        continue;
      }
      const eol = buf.indexOf('\r\n');
      if (eol < 0) {
        if (buf.length > MAX_HEAD_BYTES) throw new BadRequest(400, 'chunk line too long');
        return false;
      }
      const line = buf.toString('latin1', 0, eol);
      this.buffer = buf.subarray(eol + 2);
      if (state.phase === 'data-end') {
        if (line !== '') throw new BadRequest(400, 'malformed chunk');
        state.phase = 'size';
      } else if (state.phase === 'size') {
        const hex = /^([0-9a-fA-F]+)[ \t]*(;.*)?$/.exec(line)?.[1];
        const size = hex === undefined ? NaN : parseInt(hex, 16);
        if (!Number.isSafeInteger(size)) throw new BadRequest(400, 'malformed chunk size');
        state.remaining = size;
        state.phase = size === 0 ? 'trailer' : 'data';
      } else if (line === '') {
        return true;
      }
    }
  }

  private dispatch(p: Pending): void {
    const slot: Slot = { data: undefined, closeAfter: !p.keepAlive, sayKeepAlive: p.keepAlive && p.http10, listeners: [] };
    this.slots.push(slot);
    if (slot.closeAfter) this.stopped = true;
    const body = p.size <= this.maxBodyBytes ? (p.chunks.length === 1 ? p.chunks[0]! : Buffer.concat(p.chunks)) : undefined;
    const conn = this;
    const reply: Reply = {
      send: (status, payload, headers) => this.respond(slot, status, payload, headers),
      get closed() {
        return conn.closed;
      },
      onClose: (listener) => slot.listeners.push(listener),
    };
    this.handle({ ...p.req, body, bodySize: p.size }, reply);
  }

  private respond(slot: Slot, status: number, payload: string | Buffer, headers?: Record<string, string | number>): void {
    if (this.closed || slot.data) return;
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
    let head = `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Status'}\r\nContent-Length: ${body.length}\r\n`;
    if (headers) for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
    if (slot.closeAfter) head += 'Connection: close\r\n';
    else if (slot.sayKeepAlive) head += 'Connection: keep-alive\r\n';
    slot.data = Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), body]);
    slot.listeners.length = 0;
    this.scheduleFlush();
  }

  /** Adds an answer that is ready now (interim or error) behind those still due. */
  private queue(slot: Slot): void {
    this.slots.push(slot);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes every answered response at the front of the queue in one write (or holds them, see above). */
  private flush(force = false): void {
    this.flushScheduled = false;
    if (!force && this.slots.length > 1 && this.slots[0]!.data && !this.slots[this.slots.length - 1]!.data) {
      this.holdTimer ??= setTimeout(() => this.flush(true), HOLD_MS);
      return;
    }
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    const out: Buffer[] = [];
    let close = false;
    while (this.slots.length > 0 && this.slots[0]!.data) {
      const slot = this.slots.shift()!;
      out.push(slot.data!);
      if (slot.closeAfter) {
        close = true;
        break;
      }
    }
    if (out.length === 0 || this.closed) return;
    this.socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
    if (close) this.socket.end();
  }

  /** A bad request: read nothing more; the error goes out after the answers due for earlier requests, then close. */
  private fail(status: number, message: string): void {
    this.stopped = true;
    this.pending = undefined;
    this.buffer = undefined;
    const body = JSON.stringify({ errorType: 'BadRequest', errorMessage: message });
    const text = `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
    this.queue({ data: Buffer.from(text, 'latin1'), closeAfter: true, listeners: [] });
  }

  private onClosed(): void {
    this.closed = true;
    this.stopped = true;
    clearTimeout(this.holdTimer);
    for (const slot of this.slots.splice(0)) for (const l of slot.listeners) l();
  }
}

class BadRequest extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function bodyState(headers: Record<string, string>): BodyState {
  if (headers['transfer-encoding']) {
    if (!/(^|,)\s*chunked\s*$/i.test(headers['transfer-encoding'])) throw new BadRequest(400, 'unsupported transfer-encoding');
    return { kind: 'chunked', remaining: 0, phase: 'size' };
  }
  const text = headers['content-length'];
  // Digits only (RFC 9110 §8.6): Number() would also take '0x10', '1e3', '+5' or ''.
  const length = text === undefined ? 0 : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(length)) throw new BadRequest(400, 'malformed content-length');
  return { kind: 'length', remaining: length };
}

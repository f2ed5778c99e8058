// HTTP/1.1 client for the Runtime API (spec §1-3) plus lambkin's claim endpoint.
//
// This is the warm-invoke hot path (next -> response -> next). Each exchange between lambkin and the runtime costs
// system calls and process wake-ups that dominate a warm invoke, so instead of node:http this client keeps one
// raw keep-alive connection and pipelines: a result POST and the following `GET next` leave in one write, and
// responses are matched to requests in order (HTTP/1.1). No timeouts: `next` and the claim may block for minutes.
import fs from 'node:fs';
import net from 'node:net';
import { logBytesHeader, writeStderr } from './output.mjs';

const NEXT_PATH = '/2018-06-01/runtime/invocation/next';
const INVOCATION_PREFIX = '/2018-06-01/runtime/invocation/';
const INIT_ERROR_PATH = '/2018-06-01/runtime/init/error';
const CLAIM_PATH = '/2018-06-01/lambkin/claim';

// Connection failures that mean lambkin stopped or killed this environment.
const GONE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ENOENT']);

/** lambkin went away: leave quietly so no orphan process lingers. */
function exitGone() {
  process.exit(0);
}

function splitHostPort(hostPort) {
  if (!hostPort) throw new Error('AWS_LAMBDA_RUNTIME_API is not set');
  const colon = hostPort.lastIndexOf(':');
  let host = colon > 0 ? hostPort.slice(0, colon) : hostPort;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1); // [::1]:9001
  return { host, port: colon > 0 ? Number(hostPort.slice(colon + 1)) : 80 };
}

function headerSafe(value) {
  const text = String(value);
  return /^[\x20-\x7e]*$/.test(text) ? text : text.replace(/[^\x20-\x7e]/g, '');
}

/**
 * One connection with in-order response matching. `handlers` holds one callback per request sent and not yet
 * answered: (status, headers, bodyText) => void.
 */
class Connection {
  constructor(target, hostHeader) {
    this.handlers = [];
    this.buffer = null;
    this.hostHeader = hostHeader;
    this.socket = target.path ? net.createConnection(target.path) : net.createConnection(target.port, target.host);
    if (!target.path) this.socket.setNoDelay(true);
    this.socket.on('data', (chunk) => this.onData(chunk));
    this.socket.on('error', onSocketError);
    this.socket.on('close', () => {
      if (this.handlers.length > 0 && !this.closing) exitGone();
    });
  }

  /** Sends one or more pipelined requests (`text` or a Buffer) expecting one response per handler. */
  send(payload, ...handlers) {
    this.handlers.push(...handlers);
    this.socket.ref();
    this.socket.write(payload);
  }

  request(method, path, headers, body) {
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.hostHeader}\r\n`;
    for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
    if (body === undefined) return head + '\r\n';
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    head += `Content-Length: ${length}\r\n\r\n`;
    return typeof body === 'string' ? head + body : Buffer.concat([Buffer.from(head), body]);
  }

  onData(chunk) {
    this.buffer = this.buffer === null ? chunk : Buffer.concat([this.buffer, chunk]);
    while (this.buffer !== null) {
      const response = parseResponse(this.buffer);
      if (response === null) return;
      this.buffer = response.rest.length > 0 ? response.rest : null;
      const handler = this.handlers.shift();
      // With nothing outstanding the idle connection must not keep the event loop alive: the Node.js calling
      // convention (callbackWaitsForEmptyEventLoop, 'beforeExit') depends on the loop draining.
      if (this.handlers.length === 0) this.socket.unref();
      if (handler) handler(response.status, response.headers, response.body);
    }
  }

  close() {
    this.closing = true;
    this.socket.destroy();
  }
}

/** Parses one complete response from the front of `buffer`, or returns null if more bytes are needed. */
function parseResponse(buffer) {
  const headEnd = buffer.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const lines = buffer.toString('latin1', 0, headEnd).split('\r\n');
  const status = Number(lines[0].slice(9, 12));
  const headers = {};
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    if (colon > 0) headers[lines[i].slice(0, colon).trim().toLowerCase()] = lines[i].slice(colon + 1).trim();
  }
  const start = headEnd + 4;
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) return parseChunked(buffer, start, status, headers);
  const end = start + Number(headers['content-length'] ?? 0);
  if (buffer.length < end) return null;
  return { status, headers, body: buffer.toString('utf8', start, end), rest: buffer.subarray(end) };
}

function parseChunked(buffer, start, status, headers) {
  const parts = [];
  let at = start;
  for (;;) {
    const lineEnd = buffer.indexOf('\r\n', at);
    if (lineEnd < 0) return null;
    const size = parseInt(buffer.toString('latin1', at, lineEnd), 16);
    if (size === 0) {
      // The last chunk, optional trailers, then an empty line.
      const trailerEnd = buffer.indexOf('\r\n\r\n', lineEnd);
      if (trailerEnd < 0) return null;
      const end = trailerEnd + 4;
      return { status, headers, body: Buffer.concat(parts).toString('utf8'), rest: buffer.subarray(end) };
    }
    if (buffer.length < lineEnd + 2 + size + 2) return null;
    parts.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

export class RapidClient {
  constructor(hostPort, socketPath) {
    this.hostPort = undefined;
    this.socketPath = undefined;
    this.connection = null;
    // The `GET next` sent along with the last result, and the callback waiting for its answer.
    this.nextPending = false;
    this.onNext = null;
    this.earlyEvent = null;
    this.setAddress(hostPort, socketPath);
  }

  /** (Re)targets the client; keeps the open connection when the address is unchanged. */
  setAddress(hostPort, socketPath) {
    // A socket file that is not there (e.g. another lambkin layout) falls back to TCP.
    const usable = socketPath && fs.existsSync(socketPath) ? socketPath : undefined;
    if (hostPort === this.hostPort && usable === this.socketPath) return;
    const { host, port } = splitHostPort(hostPort);
    this.hostPort = hostPort;
    this.socketPath = usable;
    this.target = usable ? { path: usable } : { host, port };
    this.connection?.close();
    this.connection = null;
  }

  #conn() {
    this.connection ??= new Connection(this.target, this.hostPort);
    return this.connection;
  }

  /** Block until the next event; onEvent(headers, bodyText) is called once. */
  next(onEvent) {
    if (this.nextPending) {
      this.onNext = onEvent;
      if (this.earlyEvent !== null) this.#deliverNext(...this.earlyEvent);
      return;
    }
    this.nextPending = true;
    this.onNext = onEvent;
    const conn = this.#conn();
    conn.send(conn.request('GET', NEXT_PATH, {}), (status, headers, body) => this.#deliverNext(status, headers, body));
  }

  #deliverNext(status, headers, body) {
    const onEvent = this.onNext;
    if (onEvent === null) {
      this.earlyEvent = [status, headers, body];
      return;
    }
    this.nextPending = false;
    this.onNext = null;
    this.earlyEvent = null;
    if (status !== 200) fatalStatus('GET next', status, body);
    onEvent(headers, body);
  }

  /** POST a serialized result and ask for the next event in the same write; done(status) after the answer. */
  postResponse(id, body, contentType, done) {
    this.#postAndNext(INVOCATION_PREFIX + encodeURIComponent(id) + '/response', body, contentType, undefined, done);
  }

  postError(id, errorType, body, done, fresh = false) {
    const path = INVOCATION_PREFIX + encodeURIComponent(id) + '/error';
    // A fatal error goes out on its own connection: the loop's connection may be waiting in `GET next`.
    if (fresh) this.#postAlone(new Connection(this.target, this.hostPort), path, body, errorType, done);
    else this.#postAndNext(path, body, 'application/json', errorType, done);
  }

  postInitError(errorType, body, done) {
    this.#postAlone(this.#conn(), INIT_ERROR_PATH, body, errorType, done);
  }

  /** lambkin extension: wait (possibly minutes) to be assigned to a function. */
  claim(onClaim) {
    const conn = this.#conn();
    conn.send(conn.request('GET', CLAIM_PATH, {}), (status, _headers, body) => {
      if (status !== 200) fatalStatus('claim', status, body);
      onClaim(JSON.parse(body));
    });
  }

  #resultHeaders(contentType, errorType) {
    const headers = { 'Content-Type': headerSafe(contentType), 'Lambkin-Log-Bytes': logBytesHeader() };
    if (errorType !== undefined) headers['Lambda-Runtime-Function-Error-Type'] = headerSafe(errorType);
    return headers;
  }

  #postAndNext(path, body, contentType, errorType, done) {
    const conn = this.#conn();
    const post = conn.request('POST', path, this.#resultHeaders(contentType, errorType), body);
    const next = conn.request('GET', NEXT_PATH, {});
    this.nextPending = true;
    this.onNext = null;
    conn.send(
      typeof post === 'string' ? post + next : Buffer.concat([post, Buffer.from(next)]),
      (status, _headers, responseBody) => {
        if (status < 200 || status > 299) reportRejectedPost(path, status, responseBody);
        done(status);
      },
      (status, headers, eventBody) => this.#deliverNext(status, headers, eventBody),
    );
  }

  #postAlone(conn, path, body, errorType, done) {
    conn.send(conn.request('POST', path, this.#resultHeaders('application/json', errorType), body), (status, _h, responseBody) => {
      if (status < 200 || status > 299) reportRejectedPost(path, status, responseBody);
      done(status);
    });
  }
}

function onSocketError(err) {
  if (GONE_CODES.has(err.code)) exitGone();
  writeStderr(`lambkin runtime: Runtime API connection failed: ${err.message}\n`);
  process.exit(1);
}

function fatalStatus(what, status, body) {
  writeStderr(`lambkin runtime: unusable ${what} answer (HTTP ${status}): ${body.slice(0, 500)}\n`);
  process.exit(1);
}

// e.g. 413 RequestEntityTooLarge for an oversized response: lambkin turns that invoke into a
// Function.ResponseSizeTooLarge error itself; the runtime just notes it and keeps looping.
function reportRejectedPost(path, status, body) {
  writeStderr(`lambkin runtime: POST ${path} answered HTTP ${status}: ${body.slice(0, 500).replaceAll('\n', ' ')}\n`);
}

// HTTP client for the Runtime API (spec §1-3) plus lambkin's claim endpoint.
//
// This is the warm-invoke hot path (next -> response -> next), so it uses node:http with one
// keep-alive socket, callbacks instead of promises, reused request options, and no timeouts
// (GET next and the claim may legitimately block for minutes).
import http from 'node:http';
import net from 'node:net';
import { logBytesHeader, writeStderr } from './output.mjs';

const NEXT_PATH = '/2018-06-01/runtime/invocation/next';
const INVOCATION_PREFIX = '/2018-06-01/runtime/invocation/';
const INIT_ERROR_PATH = '/2018-06-01/runtime/init/error';
const CLAIM_PATH = '/2018-06-01/lambkin/claim';
const ERROR_TYPE_HEADER = 'Lambda-Runtime-Function-Error-Type';
const LOG_BYTES_HEADER = 'Lambkin-Log-Bytes';

// Connection failures that mean lambkin stopped or killed this environment.
const GONE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

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

// Nagle + delayed ACK can stall a request whose headers and body leave in separate writes.
function connectNoDelay(options, callback) {
  const socket = net.createConnection(options, callback);
  socket.setNoDelay(true);
  return socket;
}

function headerSafe(value) {
  const text = String(value);
  return /^[\x20-\x7e]*$/.test(text) ? text : text.replace(/[^\x20-\x7e]/g, '');
}

export class RapidClient {
  /**
   * @param hostPort   AWS_LAMBDA_RUNTIME_API (`host:port`)
   * @param socketPath _LAMBKIN_RUNTIME_SOCKET: lambkin serves the same endpoint on a Unix socket,
   *                   about half the cost of loopback TCP per request; preferred when given.
   */
  constructor(hostPort, socketPath) {
    this.address = undefined;
    this.setAddress(hostPort, socketPath);
  }

  /** (Re)target the client; keeps the pooled socket when the address is unchanged. */
  setAddress(hostPort, socketPath) {
    const address = `${hostPort}|${socketPath ?? ''}`;
    if (address === this.address) return;
    this.agent?.destroy();
    const { host, port } = splitHostPort(hostPort);
    this.address = address;
    this.hostPort = hostPort;
    this.host = host;
    this.port = port;
    this.socketPath = socketPath || undefined;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    this.agent.createConnection = connectNoDelay;
    this.nextOptions = this.#options(NEXT_PATH, 'GET', undefined, false);
  }

  #options(path, method, headers, fresh) {
    const options = { agent: fresh ? false : this.agent, path, method, headers };
    if (this.socketPath !== undefined) options.socketPath = this.socketPath;
    else {
      options.host = this.host;
      options.port = this.port;
    }
    return options;
  }

  /**
   * Block until the next event. onEvent(headers, bodyText) is called once; a non-200 answer
   * means lambkin considers this runtime broken, so the process exits.
   */
  next(onEvent) {
    this.#send(this.nextOptions, undefined, (status, body, response) => {
      if (status !== 200) fatalStatus('GET next', status, body);
      onEvent(response.headers, body);
    });
  }

  /** POST a serialized result; done() runs after lambkin acknowledged it (or refused it). */
  postResponse(id, bodyText, contentType, done) {
    const path = INVOCATION_PREFIX + encodeURIComponent(id) + '/response';
    this.#post(path, bodyText, contentType, undefined, done, false);
  }

  postError(id, errorType, bodyText, done, fresh = false) {
    const path = INVOCATION_PREFIX + encodeURIComponent(id) + '/error';
    this.#post(path, bodyText, 'application/json', errorType, done, fresh);
  }

  postInitError(errorType, bodyText, done) {
    this.#post(INIT_ERROR_PATH, bodyText, 'application/json', errorType, done, false);
  }

  /** lambkin extension: wait (possibly minutes) to be assigned to a function. */
  claim(onClaim) {
    this.#send(this.#options(CLAIM_PATH, 'GET', undefined, false), undefined, (status, body) => {
      if (status !== 200) fatalStatus('claim', status, body);
      let claim;
      try {
        claim = JSON.parse(body);
      } catch {
        fatalStatus('claim', status, body);
      }
      onClaim(claim);
    });
  }

  #post(path, body, contentType, errorType, done, fresh) {
    const headers = {
      'Content-Type': contentType,
      'Content-Length': typeof body === 'string' ? Buffer.byteLength(body) : body.length,
      [LOG_BYTES_HEADER]: logBytesHeader(),
    };
    if (errorType !== undefined) headers[ERROR_TYPE_HEADER] = headerSafe(errorType);
    // `fresh` posts (fatal errors) bypass the pool: the pooled socket may be busy with a
    // blocking GET next, and maxSockets:1 would queue the post behind it forever.
    const options = this.#options(path, 'POST', headers, fresh);
    this.#send(options, body, (status, responseBody) => {
      if (status < 200 || status > 299) reportRejectedPost(path, status, responseBody);
      done(status);
    });
  }

  /** One request; retries once if a reused keep-alive socket turned out to be closed. */
  #send(options, body, onDone, retried = false) {
    const request = http.request(options, (response) => {
      let first = null;
      let chunks = null;
      response.on('data', (chunk) => {
        if (first === null) first = chunk;
        else (chunks ??= [first]).push(chunk);
      });
      response.on('end', () => {
        const text = chunks !== null ? Buffer.concat(chunks).toString() : first !== null ? first.toString() : '';
        onDone(response.statusCode, text, response); // headers are built lazily; only next reads them
      });
      response.on('error', onRequestError);
    });
    request.on('error', (err) => {
      // The server may close an idle keep-alive socket just as we reuse it (e.g. after a
      // long init); that is not lambkin going away, so try once more on a new connection.
      if (!retried && request.reusedSocket && err.code === 'ECONNRESET') {
        this.#send(options, body, onDone, true);
        return;
      }
      // No socket file: fall back to TCP for good rather than give up.
      if (options.socketPath !== undefined && err.code === 'ENOENT') {
        this.setAddress(this.hostPort, undefined);
        const tcp = this.#options(options.path, options.method, options.headers, options.agent === false);
        if (options === this.nextOptions) this.nextOptions = tcp;
        this.#send(tcp, body, onDone, retried);
        return;
      }
      onRequestError(err);
    });
    request.end(body);
  }
}

function onRequestError(err) {
  if (GONE_CODES.has(err.code)) exitGone();
  writeStderr(`lambkin runtime: Runtime API request failed: ${err.message}\n`);
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

import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What an environment does with each Runtime API call arriving on its own endpoint. */
export interface RuntimeApiHandlers {
  /** lambkin extension: a pre-started runtime asks which function it will run. */
  claim(res: ServerResponse): void;
  next(res: ServerResponse): void;
  result(kind: 'response' | 'error', requestId: string, req: IncomingMessage, res: ServerResponse): void;
  initError(req: IncomingMessage, res: ServerResponse): void;
}

export interface RuntimeEndpoint {
  /** `host:port`, the value of AWS_LAMBDA_RUNTIME_API. */
  address: string;
  /** The same API on a Unix socket, for runtimes that know to use it (ours do: half the cost of loopback TCP). */
  socketPath?: string;
  close(): void;
}

const PREFIX = '/2018-06-01/';
const INVOCATION = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/;

export function sendRuntimeJson(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export const runtimeError = (res: ServerResponse, status: number, errorType: string, errorMessage: string) =>
  sendRuntimeJson(res, status, { errorType, errorMessage });

function route(h: RuntimeApiHandlers, req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '';
  if (req.method === 'GET' && url === `${PREFIX}runtime/invocation/next`) return h.next(res);
  if (req.method === 'POST') {
    const m = INVOCATION.exec(url);
    if (m) return h.result(m[2] as 'response' | 'error', decodeURIComponent(m[1]!), req, res);
    if (url === `${PREFIX}runtime/init/error`) return h.initError(req, res);
  }
  if (req.method === 'GET' && url === `${PREFIX}lambkin/claim`) return h.claim(res);
  req.resume();
  // Extensions, Logs and Telemetry APIs are not offered (documented in docs/runtime-api.md).
  runtimeError(res, 404, 'NotFound', `${req.method} ${url} is not part of the Runtime API served by lambkin`);
}

function listenOn(server: http.Server, where: { port: number; host: string } | { path: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(where, () => resolve());
  });
}

function newServer(handlers: RuntimeApiHandlers): http.Server {
  const server = http.createServer((req, res) => route(handlers, req, res));
  // `next` may stay open for as long as the environment is idle; nothing here may time it out.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.keepAliveTimeout = 0;
  return server;
}

function closeServer(server: http.Server): void {
  server.close();
  server.closeAllConnections();
}

/**
 * One endpoint per execution environment: the environment only learns its own address, and every request arriving
 * on it is handled by that environment alone, so one environment can never read or answer another's invocations.
 * It listens on loopback TCP (AWS_LAMBDA_RUNTIME_API is `host:port`, as custom runtimes expect) and, when
 * `socketPath` is given, on that Unix socket too.
 */
export async function startRuntimeEndpoint(handlers: RuntimeApiHandlers, socketPath?: string): Promise<RuntimeEndpoint> {
  const tcp = newServer(handlers);
  await listenOn(tcp, { port: 0, host: '127.0.0.1' });
  const { port } = tcp.address() as AddressInfo;
  const endpoint: RuntimeEndpoint = { address: `127.0.0.1:${port}`, close: () => closeServer(tcp) };
  if (socketPath) {
    const unix = newServer(handlers);
    await listenOn(unix, { path: socketPath });
    endpoint.socketPath = socketPath;
    endpoint.close = () => {
      closeServer(tcp);
      closeServer(unix);
    };
  }
  return endpoint;
}

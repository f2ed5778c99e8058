import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { RuntimeConnection, type Reply, type RuntimeRequest } from './http-connection.js';

export type { Reply, RuntimeRequest } from './http-connection.js';

/** What an environment does with each Runtime API call arriving on its own endpoint. */
export interface RuntimeApiHandlers {
  /** lambkin extension: a pre-started runtime asks which function it will run. */
  claim(reply: Reply): void;
  next(reply: Reply): void;
  result(kind: 'response' | 'error', requestId: string, req: RuntimeRequest, reply: Reply): void;
  initError(req: RuntimeRequest, reply: Reply): void;
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

export function sendRuntimeJson(reply: Reply, status: number, body: object): void {
  reply.send(status, JSON.stringify(body), { 'Content-Type': 'application/json' });
}

export const runtimeError = (reply: Reply, status: number, errorType: string, errorMessage: string) =>
  sendRuntimeJson(reply, status, { errorType, errorMessage });

function route(h: RuntimeApiHandlers, req: RuntimeRequest, reply: Reply): void {
  const path = req.path;
  if (req.method === 'GET' && path === `${PREFIX}runtime/invocation/next`) return h.next(reply);
  if (req.method === 'POST') {
    const m = INVOCATION.exec(path);
    if (m) return h.result(m[2] as 'response' | 'error', safeDecode(m[1]!), req, reply);
    if (path === `${PREFIX}runtime/init/error`) return h.initError(req, reply);
  }
  if (req.method === 'GET' && path === `${PREFIX}lambkin/claim`) return h.claim(reply);
  // Extensions, Logs and Telemetry APIs are not offered (docs/runtime-api.md).
  runtimeError(reply, 404, 'NotFound', `${req.method} ${path} is not part of the Runtime API served by lambkin`);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function listenOn(server: net.Server, where: { port: number; host: string } | { path: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(where, () => resolve());
  });
}

function newServer(handlers: RuntimeApiHandlers, maxBodyBytes: number): { server: net.Server; sockets: Set<net.Socket> } {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    new RuntimeConnection(socket, (req, reply) => route(handlers, req, reply), maxBodyBytes);
  });
  return { server, sockets };
}

function closeServer({ server, sockets }: { server: net.Server; sockets: Set<net.Socket> }): void {
  server.close();
  for (const socket of sockets) socket.destroy();
}

/**
 * One endpoint per execution environment: the environment only learns its own address, and every request arriving
 * on it is handled by that environment alone, so one environment can never read or answer another's invocations.
 * It listens on loopback TCP (AWS_LAMBDA_RUNTIME_API is `host:port`, as custom runtimes expect) and, when
 * `socketPath` is given, on that Unix socket too. Request bodies over `maxBodyBytes` are read, counted and dropped.
 */
export async function startRuntimeEndpoint(handlers: RuntimeApiHandlers, maxBodyBytes: number, socketPath?: string): Promise<RuntimeEndpoint> {
  const tcp = newServer(handlers, maxBodyBytes);
  await listenOn(tcp.server, { port: 0, host: '127.0.0.1' });
  const { port } = tcp.server.address() as AddressInfo;
  const endpoint: RuntimeEndpoint = { address: `127.0.0.1:${port}`, close: () => closeServer(tcp) };
  if (socketPath) {
    const unix = newServer(handlers, maxBodyBytes);
    await listenOn(unix.server, { path: socketPath });
    endpoint.socketPath = socketPath;
    endpoint.close = () => {
      closeServer(tcp);
      closeServer(unix);
    };
  }
  return endpoint;
}

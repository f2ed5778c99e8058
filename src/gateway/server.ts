import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { AwsError, isAwsError } from '../core/errors.js';
import { newRequestId } from '../core/ids.js';
import { authenticate, type GatewayAuth } from './auth.js';
import type { ApiRequest, Caller } from './request.js';
import { credentialScope, sigV2AccessKey } from './sigv4.js';

export type ServiceHandler = (api: ApiRequest) => Promise<void>;

/** A service the gateway can route to, with the codec that renders its errors. */
export interface ServiceEntry {
  name: string;
  /** Whether this service takes the request (by signing scope, path, headers). */
  accepts(req: IncomingMessage, path: string, signingService: string | undefined): boolean;
  handle: ServiceHandler;
  /** `api` lets services that speak more than one protocol (SQS: JSON and query) answer in the request's. */
  sendError(res: ServerResponse, requestId: string, err: AwsError, api: ApiRequest): void;
}

/**
 * An HTTP front that serves end users rather than AWS APIs (API Gateway stages, function URLs): it claims requests
 * by Host or path before any AWS API routing and answers in its own terms.
 */
export interface HttpFront {
  name: string;
  claims(req: IncomingMessage, path: string): boolean;
  serve(req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void>;
}

export interface GatewayOptions {
  defaultAccount: string;
  defaultRegion: string;
  services: ServiceEntry[];
  fronts?: HttpFront[];
  /** lambkin's own endpoints under /_lambkin/ (health, code downloads); answer true when handled. */
  internal: (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams) => boolean | Promise<boolean>;
  log: Logger;
  /** Strict mode: every AWS API request must be SigV4-signed by a key of these accounts and acts as its account. */
  auth?: GatewayAuth;
}

const EMPTY_QUERY = new URLSearchParams();

/** One HTTP front for every service: picks the service and protocol, establishes the caller, renders errors. */
export function createGateway(opts: GatewayOptions): http.Server {
  const server = http.createServer((req, res) => void dispatch(opts, req, res));
  server.keepAliveTimeout = 65_000;
  return server;
}

async function dispatch(opts: GatewayOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const front = opts.fronts?.find((f) => f.claims(req, path));
  if (front) return serveFront(opts.log, front, req, res, path, q < 0 ? '' : url.slice(q + 1));
  const query = q < 0 ? EMPTY_QUERY : new URLSearchParams(url.slice(q + 1));
  if (path.startsWith('/_lambkin/')) {
    try {
      if (await opts.internal(req, res, path, query)) return;
    } catch (err) {
      opts.log.error({ err, path }, 'internal endpoint failed');
    }
    if (!res.headersSent) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: `not found: ${path}` }));
    }
    return;
  }
  const scope = credentialScope(req, query);
  const v2Key = scope ? undefined : sigV2AccessKey(req, query);
  const service = opts.services.find((s) => s.accepts(req, path, scope?.service ?? (v2Key ? 's3' : undefined)));
  const requestId = newRequestId();
  if (!service) {
    req.resume();
    res.writeHead(404, { 'Content-Type': 'application/json', 'x-amzn-RequestId': requestId });
    res.end(JSON.stringify({ message: `lambkin serves no API at ${req.method} ${path}` }));
    return;
  }
  const caller: Caller = { account: opts.defaultAccount, region: scope?.region ?? opts.defaultRegion };
  if (scope ?? v2Key) caller.accessKeyId = scope?.accessKeyId ?? v2Key;
  const api: ApiRequest = {
    req, res, method: req.method ?? 'GET', path, query, requestId, caller, origin: `http://${req.headers.host ?? 'localhost'}`,
  };
  try {
    if (opts.auth) {
      const account = await authenticate(opts.auth, service.name, req, { method: api.method, path, query: q < 0 ? '' : url.slice(q + 1), rawHeaders: req.rawHeaders });
      caller.account = account.accountId;
      caller.accessKeyId = account.accessKeyId;
    }
    await service.handle(api);
  } catch (err) {
    renderFailure(opts.log, service, api, err);
  }
}

async function serveFront(log: Logger, front: HttpFront, req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> {
  try {
    await front.serve(req, res, path, query);
  } catch (err) {
    log.error({ err, front: front.name, method: req.method, path }, 'front failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(500, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ message: 'Internal Server Error' }));
  }
}

function renderFailure(log: Logger, service: ServiceEntry, api: ApiRequest, err: unknown): void {
  let error: AwsError;
  if (isAwsError(err)) {
    error = err;
  } else {
    log.error({ err, requestId: api.requestId, service: service.name, method: api.method, path: api.path }, 'internal error');
    error = new AwsError('ServiceException', 500, `An internal error occurred (request ${api.requestId}).`, { messageKey: 'Message' });
  }
  if (api.res.headersSent) {
    api.res.destroy();
    return;
  }
  service.sendError(api.res, api.requestId, error, api);
}


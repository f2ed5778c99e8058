import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { headerPairs, type HttpRequest } from '../../apigw/engine/http-request.js';
import { payloadV2, type Authorizer } from '../../apigw/engine/proxy-event.js';
import { MalformedProxyResponse, type HttpResponse } from '../../apigw/engine/proxy-response.js';
import { functionArn } from '../../core/arn.js';
import { AwsError, isAwsError } from '../../core/errors.js';
import { newRequestId } from '../../core/ids.js';
import { authenticate, type GatewayAuth } from '../../gateway/auth.js';
import { readBody } from '../../gateway/request.js';
import type { HttpFront } from '../../gateway/server.js';
import type { FunctionUrlRecord } from '../../store/store.js';
import type { FunctionPolicies } from '../control/function-policies.js';
import { LATEST, type FunctionRegistry } from '../control/function-registry.js';
import type { FunctionUrls } from '../control/function-urls.js';
import type { Invoker } from '../invoke/invoker.js';
import { authorizeUrl } from './url-auth.js';
import { isPreflight, preflightResponse, withCorsHeaders } from './url-cors.js';
import { urlAddress, urlHost, type UrlAddress } from './url-address.js';
import { urlResponse } from './url-response.js';

export interface UrlFrontDeps {
  functionUrls: FunctionUrls;
  functions: FunctionRegistry;
  policies: FunctionPolicies;
  invoker: Invoker;
  /** The account a signed request acts for while signatures are not checked (dev mode). */
  defaultAccount: string;
  /** Strict auth mode: AWS_IAM URLs take only requests verifiably signed by a known key, as that key's account. */
  auth?: GatewayAuth;
  /** The largest event (and request body) a URL passes to its function: Invoke's 6 MB. */
  maxPayloadBytes: number;
  log: Logger;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const FORBIDDEN = 'Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html';

/** The URL's own error answers: `{"Message": ...}` with the error type in `x-amzn-ErrorType`. */
function urlError(status: number, message: string, errorType?: string): HttpResponse {
  const headers: Array<[string, string]> = [['Content-Type', 'application/json']];
  if (errorType) headers.push(['x-amzn-ErrorType', errorType]);
  return { status, headers, body: Buffer.from(JSON.stringify({ Message: message })) };
}

/** A function error or an answer that is no HTTP response: 502, as function URLs answer. */
function badGateway(): HttpResponse {
  return { status: 502, headers: [['Content-Type', 'text/plain']], body: Buffer.from('Internal Server Error') };
}

function send(res: ServerResponse, requestId: string, r: HttpResponse): void {
  const grouped = new Map<string, [string, string[]]>();
  for (const [name, value] of r.headers) {
    const entry = grouped.get(name.toLowerCase());
    if (entry) entry[1].push(value);
    else grouped.set(name.toLowerCase(), [name, [value]]);
  }
  grouped.delete('content-length');
  grouped.delete('transfer-encoding');
  for (const [name, values] of grouped.values()) res.setHeader(name, values.length === 1 ? values[0]! : values);
  res.setHeader('x-amzn-RequestId', requestId);
  res.setHeader('Content-Length', r.body.length);
  res.writeHead(r.status);
  res.end(r.body);
}

function sourceIp(req: IncomingMessage): string {
  const ip = req.socket.remoteAddress ?? '';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/**
 * Headers as the function sees them: the client's, plus the forwarding headers the URL front adds as AWS's does
 * (`x-forwarded-for`, `-proto`, `-port`) when the client did not send them.
 */
function forwardedHeaders(req: IncomingMessage): Array<[string, string]> {
  const headers = headerPairs(req.rawHeaders);
  const has = (name: string) => headers.some(([k]) => k.toLowerCase() === name);
  if (!has('x-forwarded-for')) headers.push(['x-forwarded-for', sourceIp(req)]);
  if (!has('x-forwarded-proto')) headers.push(['x-forwarded-proto', 'http']);
  if (!has('x-forwarded-port')) headers.push(['x-forwarded-port', String(req.socket.localPort ?? '')]);
  return headers;
}

/** The payload format 2.0 event of a function URL (invocation-semantics.md §7). */
function urlEvent(http: HttpRequest, url: FunctionUrlRecord, authorizer: Authorizer): Buffer {
  const event = payloadV2(http, {
    accountId: url.account, apiId: url.urlId, stage: '$default', resource: '$default', routeKey: '$default',
    pathParameters: {}, stageVariables: {}, binaryBody: false,
  }, authorizer);
  (event.requestContext as Record<string, unknown>).authentication = null;
  return Buffer.from(JSON.stringify(event));
}

/**
 * The function URL front: claims requests addressed to `<url-id>.lambda-url.<region>.<domain>` or to
 * `/_lambda-url/<url-id>/...`, checks the URL's auth type, answers CORS preflights, invokes the function
 * synchronously with the 2.0 event and turns its result into the HTTP answer.
 */
/** One request to a URL, as the front handles it. */
interface UrlCall {
  req: IncomingMessage;
  url: FunctionUrlRecord;
  address: UrlAddress;
  query: string;
  requestId: string;
  timeMs: number;
}

export class UrlFront implements HttpFront {
  readonly name = 'function-urls';

  constructor(private readonly deps: UrlFrontDeps) {}

  claims(req: IncomingMessage, path: string): boolean {
    return urlAddress(req.headers.host, path) !== undefined;
  }

  async serve(req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> {
    const requestId = newRequestId();
    const timeMs = Date.now();
    const answer = await this.answer(req, urlAddress(req.headers.host, path)!, query, requestId, timeMs, path);
    // A body nobody read (a refusal, a preflight) is drained so that the connection can serve the next request.
    if (!req.readableEnded) req.resume();
    send(res, requestId, answer);
  }

  /** Which URL, which method, CORS preflight, auth — then the invocation, with CORS headers on its answer. */
  private async answer(req: IncomingMessage, address: UrlAddress, query: string, requestId: string, timeMs: number, rawPath: string): Promise<HttpResponse> {
    const url = this.deps.functionUrls.byUrlId(address.urlId);
    if (!url || (address.region !== undefined && address.region !== url.region)) return urlError(404, 'Not Found', 'ResourceNotFoundException');
    const method = req.method ?? 'GET';
    if (!METHODS.has(method)) return urlError(405, 'Method Not Allowed');
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(',') : v;
    };
    if (url.cors && isPreflight(method, header)) return preflightResponse(url.cors, header('origin'));
    let callerAccount = this.deps.defaultAccount;
    if (this.deps.auth && url.authType === 'AWS_IAM') {
      try {
        callerAccount = (await authenticate(this.deps.auth, 'lambda', req, { method, path: rawPath, query, rawHeaders: req.rawHeaders })).accountId;
      } catch (err) {
        if (!isAwsError(err)) throw err;
        this.deps.log.debug({ requestId, urlId: url.urlId, reason: err.code }, 'function URL: signature refused');
        if (err.status === 413) return urlError(413, `Request must be smaller than ${this.deps.maxPayloadBytes} bytes for the InvokeFunction operation`, 'RequestTooLargeException');
        return urlError(403, FORBIDDEN, 'AccessDeniedException');
      }
    }
    const access = authorizeUrl(url, req, new URLSearchParams(query), this.deps.policies, callerAccount);
    if (!access.allowed) {
      this.deps.log.debug({ requestId, urlId: url.urlId, authType: url.authType }, 'function URL: request refused');
      return urlError(403, FORBIDDEN, 'AccessDeniedException');
    }
    const response = await this.invoke({ req, url, address, query, requestId, timeMs }, access.authorizer);
    return url.cors ? { ...response, headers: withCorsHeaders(url.cors, header('origin'), response.headers) } : response;
  }

  private async invoke(call: UrlCall, authorizer: Authorizer): Promise<HttpResponse> {
    const { url } = call;
    const fn = this.deps.functions.get({ account: url.account, region: url.region }, url.functionName, url.qualifier || LATEST);
    if (!fn) return urlError(404, 'Not Found', 'ResourceNotFoundException');
    const payload = await this.event(call, authorizer);
    if (!Buffer.isBuffer(payload)) return payload;
    const invokedArn = functionArn(url.region, url.account, url.functionName, url.qualifier || undefined);
    try {
      const result = await this.deps.invoker.invoke({ fn, payload, requestId: call.requestId, invokedArn, tail: false });
      if (result.functionError) return badGateway();
      return urlResponse(result, url.invokeMode);
    } catch (err) {
      if (err instanceof MalformedProxyResponse) {
        this.deps.log.debug({ requestId: call.requestId, urlId: url.urlId, reason: err.message }, 'function URL: malformed function response');
        return badGateway();
      }
      if (isAwsError(err) && err.status === 429) return urlError(429, 'Rate Exceeded.', 'TooManyRequestsException');
      throw err;
    }
  }

  /** Reads the body and builds the event; a 413 answer when either is over Invoke's payload limit. */
  private async event(call: UrlCall, authorizer: Authorizer): Promise<Buffer | HttpResponse> {
    const { req, url } = call;
    const max = this.deps.maxPayloadBytes;
    const tooLarge = urlError(413, `Request must be smaller than ${max} bytes for the InvokeFunction operation`, 'RequestTooLargeException');
    let body: Buffer;
    try {
      body = await readBody(req, max, () => new AwsError('RequestTooLargeException', 413, 'too large'));
    } catch (err) {
      if (isAwsError(err)) return { ...tooLarge, headers: [...tooLarge.headers, ['Connection', 'close']] };
      throw err;
    }
    const http: HttpRequest = {
      method: req.method ?? 'GET', rawPath: call.address.rawPath, rawQueryString: call.query, headers: forwardedHeaders(req), body,
      sourceIp: sourceIp(req), protocol: `HTTP/${req.httpVersion}`, domainName: call.address.domainName ?? urlHost(url.urlId, url.region),
      timeMs: call.timeMs, requestId: call.requestId,
    };
    const payload = urlEvent(http, url, authorizer);
    return payload.length > max ? tooLarge : payload;
  }
}

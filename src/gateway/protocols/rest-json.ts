import type { ServerResponse } from 'node:http';
import type { AwsError } from '../../core/errors.js';

/** REST-JSON answers (Lambda): JSON body, `x-amzn-RequestId` on every response. */
export function sendJson(res: ServerResponse, requestId: string, status: number, body?: unknown, headers?: Record<string, string>): void {
  const text = body === undefined ? undefined : JSON.stringify(body);
  res.writeHead(status, {
    'x-amzn-RequestId': requestId,
    // A bodiless answer says so (a 202 would otherwise go out chunked); 204 never carries the header.
    ...(text === undefined ? (status === 204 ? {} : { 'Content-Length': 0 }) : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }),
    ...headers,
  });
  res.end(text);
}

/** Error envelope per lambda-api.md §1.1: `x-amzn-ErrorType` header plus `{Type, message|Message, ...extra}`. */
export function sendRestJsonError(res: ServerResponse, requestId: string, err: AwsError): void {
  const body = { Type: err.fault, [err.messageKey]: err.message, ...err.extra };
  sendJson(res, requestId, err.status, body, { 'x-amzn-ErrorType': err.code, ...err.headers });
}

import type { ServerResponse } from 'node:http';
import { AwsError } from '../../core/errors.js';

/**
 * EventBridge's errors (other-services.md §3): json 1.1 bodies `{"__type": "<Code>", "message": "..."}`, 400 for
 * client errors, 500 for InternalException. Texts are AWS's where AWS's are known.
 */
export const AWS_JSON_1_1 = 'application/x-amz-json-1.1';

export function eventsError(code: string, message: string, status = 400): AwsError {
  return new AwsError(code, status, message);
}

export const validation = (message: string): AwsError => eventsError('ValidationException', message);

export const ruleNotFound = (name: string, bus: string): AwsError =>
  eventsError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${bus}.`);

export const busNotFound = (bus: string): AwsError => eventsError('ResourceNotFoundException', `Event bus ${bus} does not exist.`);

export function sendEventsJson(res: ServerResponse, requestId: string, body: unknown): void {
  write(res, requestId, 200, JSON.stringify(body ?? {}), {});
}

export function sendEventsError(res: ServerResponse, requestId: string, err: AwsError): void {
  // The gateway's internal errors are ServiceException; EventBridge names its own fault InternalException.
  const code = err.status >= 500 ? 'InternalException' : err.code;
  write(res, requestId, err.status, JSON.stringify({ __type: code, message: err.message }), err.headers);
}

function write(res: ServerResponse, requestId: string, status: number, text: string, headers: Record<string, string>): void {
  res.writeHead(status, {
    'x-amzn-RequestId': requestId, 'Content-Type': AWS_JSON_1_1, 'Content-Length': Buffer.byteLength(text), ...headers,
  });
  res.end(text);
}

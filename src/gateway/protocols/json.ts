import type { ServerResponse } from 'node:http';
import { AwsError } from '../../core/errors.js';

/**
 * AWS JSON 1.0 (SQS; later EventBridge): the operation is named by `X-Amz-Target: <prefix>.<Op>`, input and output
 * are JSON objects with the model's member names, errors carry `__type: <namespace>#<Code>` (AWS JSON 1.0 protocol
 * spec, "Operation error serialization").
 */
export const AWS_JSON_1_0 = 'application/x-amz-json-1.0';

/** The operation named by an `X-Amz-Target` header, if it has the service's prefix. */
export function targetOperation(target: string | string[] | undefined, prefix: string): string | undefined {
  if (typeof target !== 'string' || !target.startsWith(`${prefix}.`)) return undefined;
  return target.slice(prefix.length + 1);
}

/** The request body as a JSON object; an empty body is `{}`, as SDKs send for operations without input. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new AwsError('SerializationException', 400, 'The request body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AwsError('SerializationException', 400, 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

export function sendAwsJson(res: ServerResponse, requestId: string, body: unknown, headers: Record<string, string> = {}): void {
  writeJson(res, requestId, 200, JSON.stringify(body ?? {}), headers);
}

export interface JsonErrorOptions {
  /** The service's Smithy namespace, e.g. `com.amazonaws.sqs`. */
  namespace: string;
  /** Extra response headers (SQS adds `x-amzn-query-error`). */
  headers?: Record<string, string>;
  /** Extra members of the error body; the error's own `extra` is not copied, it may hold codec-only data. */
  fields?: Record<string, unknown>;
}

/** `{"__type": "<namespace>#<Code>", "message": "..."}` with the error's status and headers. */
export function sendAwsJsonError(res: ServerResponse, requestId: string, err: AwsError, opts: JsonErrorOptions): void {
  const body = JSON.stringify({ __type: `${opts.namespace}#${err.code}`, message: err.message, ...opts.fields });
  writeJson(res, requestId, err.status, body, { ...opts.headers, ...err.headers });
}

function writeJson(res: ServerResponse, requestId: string, status: number, text: string, headers: Record<string, string>): void {
  res.writeHead(status, {
    'x-amzn-RequestId': requestId,
    'Content-Type': AWS_JSON_1_0,
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

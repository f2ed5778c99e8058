import { MalformedProxyResponse, responseV2, type HttpResponse } from '../../apigw/engine/proxy-response.js';
import type { InvokeResult } from '../invoke/invoker.js';

/** The content type of a streamed response that starts with an HTTP prelude (awslambda.HttpResponseStream). */
const PRELUDE_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
const PRELUDE_END = Buffer.alloc(8);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{statusCode, headers, cookies}` JSON, eight NUL bytes, then the body. */
function preludeResponse(payload: Buffer): HttpResponse {
  const end = payload.indexOf(PRELUDE_END);
  if (end < 0) throw new MalformedProxyResponse('the response prelude is not terminated');
  let prelude: unknown;
  try {
    prelude = JSON.parse(payload.subarray(0, end).toString('utf8'));
  } catch {
    throw new MalformedProxyResponse('the response prelude is not JSON');
  }
  if (!isObject(prelude)) throw new MalformedProxyResponse('the response prelude must be an object');
  const head = responseV2(JSON.stringify({ statusCode: prelude.statusCode ?? 200, headers: prelude.headers, cookies: prelude.cookies }));
  const headers = prelude.headers !== undefined && isObject(prelude.headers) && Object.keys(prelude.headers).some((k) => k.toLowerCase() === 'content-type')
    ? head.headers
    : [...head.headers.filter(([k]) => k.toLowerCase() !== 'content-type'), ['Content-Type', 'application/octet-stream'] as [string, string]];
  return { status: head.status, headers, body: payload.subarray(end + PRELUDE_END.length) };
}

/**
 * What a URL answers for a function's result (invocation-semantics.md §7). BUFFERED: the payload format 2.0 response
 * rules. RESPONSE_STREAM: lambkin runs streaming handlers to completion and answers with the whole stream — the
 * bytes with the stream's content type, or, when the handler wrote an HTTP prelude (awslambda.HttpResponseStream),
 * the status, headers and cookies it names; a non-streaming handler's JSON result follows the 2.0 rules as in
 * BUFFERED mode. Throws MalformedProxyResponse when no HTTP response can be made of the result.
 */
export function urlResponse(result: InvokeResult, invokeMode: 'BUFFERED' | 'RESPONSE_STREAM'): HttpResponse {
  const type = result.contentType.split(';')[0]!.trim().toLowerCase();
  if (type === PRELUDE_CONTENT_TYPE) return preludeResponse(result.payload);
  if (invokeMode === 'RESPONSE_STREAM' && type !== '' && type !== 'application/json') {
    return { status: 200, headers: [['Content-Type', result.contentType]], body: result.payload };
  }
  return responseV2(result.payload.toString('utf8'));
}

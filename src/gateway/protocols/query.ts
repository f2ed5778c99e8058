import type { ServerResponse } from 'node:http';
import { xmlBuilder } from './xml.js';
import type { AwsError } from '../../core/errors.js';

/**
 * The AWS query protocol (SQS for older clients; later SNS): input is form parameters (`Action=<Op>&Version=...`,
 * in a POST body or a GET query string), output is XML `<OpResponse xmlns=...><OpResult>...</OpResult>
 * <ResponseMetadata><RequestId>..</RequestId></ResponseMetadata></OpResponse>`, errors `<ErrorResponse>`
 * (AWS query protocol spec, "Response serialization" / "Error serialization").
 */

/** An XML element's content: text, child elements by name (arrays repeat the element), in insertion order. */
export type XmlValue = string | XmlElement | XmlValue[];
export interface XmlElement {
  [name: string]: XmlValue | undefined;
}

/** The URL's query parameters and, for a form POST, the body's, as one map (body values win). */
export function queryParams(query: URLSearchParams, body: Buffer): Map<string, string> {
  const params = new Map<string, string>();
  for (const [k, v] of query) params.set(k, v);
  if (body.length > 0) for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v);
  return params;
}


const DECLARATION = '<?xml version="1.0"?>';

/** `<{action}Response>` with `<{action}Result>` when the operation has output, and the request id. */
export function queryResponseXml(action: string, namespace: string, requestId: string, result?: XmlElement): string {
  const response: XmlElement = { '@_xmlns': namespace };
  if (result) response[`${action}Result`] = result;
  response.ResponseMetadata = { RequestId: requestId };
  return DECLARATION + xmlBuilder.build({ [`${action}Response`]: response });
}

export interface QueryErrorBody {
  /** `Sender` for the caller's faults, `Receiver` for the service's. */
  type: 'Sender' | 'Receiver';
  code: string;
  message: string;
}

export function queryErrorXml(namespace: string, requestId: string, e: QueryErrorBody): string {
  const error: XmlElement = { Type: e.type, Code: e.code, Message: e.message, Detail: '' };
  return DECLARATION + xmlBuilder.build({ ErrorResponse: { '@_xmlns': namespace, Error: error, RequestId: requestId } });
}

export function sendXml(res: ServerResponse, requestId: string, status: number, xml: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'x-amzn-RequestId': requestId,
    'Content-Type': 'text/xml',
    'Content-Length': Buffer.byteLength(xml),
    ...headers,
  });
  res.end(xml);
}

export function sendQueryError(res: ServerResponse, requestId: string, err: AwsError, namespace: string, code: string): void {
  const xml = queryErrorXml(namespace, requestId, { type: err.status >= 500 ? 'Receiver' : 'Sender', code, message: err.message });
  sendXml(res, requestId, err.status, xml, err.headers);
}

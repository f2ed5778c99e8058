import type { ServerResponse } from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import { AwsError } from '../../core/errors.js';
import type { XmlElement } from './query.js';
import { XML_DECLARATION, xmlBuilder } from './xml.js';

/**
 * REST-XML (S3): the operation is named by method, path and query flags; input is headers, query and an XML
 * payload, output is headers and an XML document; errors are a bare `<Error>` document (other-services.md §1.1,
 * §1.4). HEAD answers, errors included, never carry a body.
 */
export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** `<root xmlns="...">…</root>` with the XML declaration. */
export function xmlDocument(root: string, content: XmlElement, namespace: string | null = S3_NAMESPACE): string {
  const element: XmlElement = namespace ? { '@_xmlns': namespace, ...content } : content;
  return XML_DECLARATION + xmlBuilder.build({ [root]: element });
}

export function sendRestXml(res: ServerResponse, status: number, xml: string, headers: Record<string, string | number> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(xml), ...headers });
  res.end(xml);
}

/** A bodiless answer (204s, PutObject's 200, HEAD). */
export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string | number> = {}): void {
  res.writeHead(status, status === 204 || status === 304 ? headers : { 'Content-Length': 0, ...headers });
  res.end();
}

/**
 * `<Error><Code/><Message/>…<RequestId/><HostId/></Error>`; the error's `extra` members (BucketName, Key, …) go
 * between the message and the request id. A HEAD request gets the status and headers only.
 */
export function sendRestXmlError(res: ServerResponse, ids: { requestId: string; hostId: string }, err: AwsError, head: boolean): void {
  const headers = { 'x-amz-request-id': ids.requestId, 'x-amz-id-2': ids.hostId, ...err.headers };
  if (head) {
    res.writeHead(err.status, headers);
    res.end();
    return;
  }
  const content: XmlElement = { Code: err.code, Message: err.message };
  for (const [k, v] of Object.entries(err.extra)) if (v !== undefined) content[k] = String(v);
  content.RequestId = ids.requestId;
  content.HostId = ids.hostId;
  sendRestXml(res, err.status, xmlDocument('Error', content, null), headers);
}

/**
 * Parses a request payload. `lists` names the elements that may repeat (the model's flattened lists), so they
 * always come back as arrays. Namespace prefixes are dropped. Unparsable input is S3's MalformedXML.
 */
export function parseXmlPayload(body: Buffer, lists: readonly string[]): Record<string, unknown> {
  const text = body.toString('utf8');
  const parser = new XMLParser({
    ignoreAttributes: true,
    removeNSPrefix: true,
    parseTagValue: false,
    trimValues: true,
    processEntities: true,
    htmlEntities: true,
    isArray: (name) => lists.includes(name),
  });
  let value: unknown;
  try {
    value = parser.parse(text, true);
  } catch {
    throw malformedXml();
  }
  if (typeof value !== 'object' || value === null) throw malformedXml();
  const { '?xml': _decl, ...rest } = value as Record<string, unknown>;
  return rest;
}

export const malformedXml = (): AwsError =>
  new AwsError('MalformedXML', 400, 'The XML you provided was not well-formed or did not validate against our published schema');

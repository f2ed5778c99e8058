import assert from 'node:assert/strict';
import http, { type IncomingHttpHeaders } from 'node:http';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from './sha256.js';
import { XMLParser } from 'fast-xml-parser';
import { TEST_CREDENTIALS } from './server.js';

export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';

/** The real SDK v3 client (JSON protocol), pinned to `endpoint`. */
export function sqsClient(endpoint: string): SQSClient {
  return new SQSClient({ endpoint, region: REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
}

const signer = new SignatureV4({ service: 'sqs', region: REGION, credentials: TEST_CREDENTIALS, sha256: Sha256 });

/** Elements the SQS query model flattens into repeats: always arrays when parsed, even when there is one. */
const REPEATED = new Set([
  'QueueUrl', 'Message', 'Attribute', 'MessageAttribute', 'Tag', 'BatchResultErrorEntry', 'SendMessageBatchResultEntry',
  'DeleteMessageBatchResultEntry', 'ChangeMessageVisibilityBatchResultEntry',
]);

/** Where a REPEATED name is a single element instead: a lone QueueUrl, and the Message text of errors. */
const SINGLE = ['CreateQueueResult.QueueUrl', 'GetQueueUrlResult.QueueUrl', 'Error.Message', 'BatchResultErrorEntry.Message'];

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  trimValues: false,
  // Decodes numeric character references: SQS sends CR as `&#xD;` so that XML parsers keep it.
  htmlEntities: true,
  isArray: (name, jpath) => REPEATED.has(name) && !SINGLE.some((s) => String(jpath).endsWith(s)),
});

export interface QueryResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The parsed XML document. */
  xml: any;
}

export interface QueryOptions {
  /** Request path (a queue's `/<account>/<name>` addresses it); default `/`. */
  path?: string;
  /** POST sends a form body (default); GET puts the parameters in the URL. */
  method?: 'GET' | 'POST';
  /** Sign with SigV4 for `sqs` (default true). */
  sign?: boolean;
}

/** One query-protocol request (`Action=<op>&Version=2012-11-05&...`), as botocore < 1.34.90 and SDK v2 send them. */
export async function sqsQuery(endpoint: string, action: string, params: Record<string, string | number> = {}, opts: QueryOptions = {}): Promise<QueryResponse> {
  const url = new URL(endpoint);
  const form = new URLSearchParams({ Action: action, Version: '2012-11-05' });
  for (const [k, v] of Object.entries(params)) form.append(k, String(v));
  const method = opts.method ?? 'POST';
  const body = method === 'POST' ? form.toString() : '';
  const query: Record<string, string> = {};
  if (method === 'GET') for (const [k, v] of form) query[k] = v;
  const headers: Record<string, string> = { host: url.host };
  if (method === 'POST') headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
  const request = {
    method, protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: opts.path ?? '/', query, headers, body,
  };
  const signed = opts.sign === false ? request : await signer.sign(request);
  return send(url, signed.method, request.path, method === 'GET' ? new URLSearchParams(query).toString() : '', signed.headers as Record<string, string>, body);
}

function send(url: URL, method: string, path: string, qs: string, headers: Record<string, string>, body: string): Promise<QueryResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      hostname: url.hostname, port: url.port, method, path: qs ? `${path}?${qs}` : path,
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, xml: text.startsWith('<') ? parser.parse(text) : undefined });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The `<{action}Result>` of a successful response (asserts 200 and the envelope). */
export function resultOf(res: QueryResponse, action: string): any {
  assert.equal(res.status, 200, `${action} failed: ${res.text}`);
  assert.match(String(res.headers['content-type']), /^text\/xml/);
  const envelope = res.xml?.[`${action}Response`];
  assert.ok(envelope, `no ${action}Response in ${res.text}`);
  assert.equal(envelope['@_xmlns'], 'http://queue.amazonaws.com/doc/2012-11-05/');
  assert.match(envelope.ResponseMetadata?.RequestId ?? '', /^[0-9a-f-]{36}$/);
  return envelope[`${action}Result`];
}

export interface ExpectedQueryError {
  code: string;
  status: number;
  message?: string | RegExp;
  type?: 'Sender' | 'Receiver';
}

/** Asserts an `<ErrorResponse>` with this code, status, message and fault type. */
export function expectQueryError(res: QueryResponse, want: ExpectedQueryError): void {
  assert.equal(res.status, want.status, `status of ${want.code}: ${res.text}`);
  const error = res.xml?.ErrorResponse?.Error;
  assert.ok(error, `no ErrorResponse in ${res.text}`);
  assert.equal(res.xml.ErrorResponse['@_xmlns'], 'http://queue.amazonaws.com/doc/2012-11-05/');
  assert.equal(error.Code, want.code, `code (message: ${error.Message})`);
  assert.equal(error.Type, want.type ?? 'Sender');
  if (typeof want.message === 'string') assert.equal(error.Message, want.message);
  else if (want.message) assert.match(error.Message, want.message);
  assert.match(res.xml.ErrorResponse.RequestId, /^[0-9a-f-]{36}$/);
}

/** Flattened `<Attribute><Name/><Value/></Attribute>` (or Tag Key/Value) entries as a plain map. */
export function entriesOf(list: { Name?: string; Key?: string; Value: any }[] | undefined): Record<string, any> {
  const out: Record<string, any> = {};
  for (const e of list ?? []) out[(e.Name ?? e.Key)!] = e.Value;
  return out;
}

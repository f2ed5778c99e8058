import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '../helpers/sha256.js';
import {
  canonicalRequest, canonicalUri, parseSignature, payloadHash, rfc3986, sha256Hex, signingKey, SigV4Failure, verifySignature, type RawRequest,
} from '../../src/gateway/sigv4-verify.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const CREDS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET };
const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);

function raw(method: string, path: string, query: string, headers: Record<string, string>): RawRequest {
  return { method, path, query, rawHeaders: Object.entries(headers).flat() };
}

function failure(fn: () => unknown): SigV4Failure {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SigV4Failure, String(err));
    return err;
  }
  assert.fail('expected a SigV4Failure');
}

interface Signed { method: string; path: string; query: Record<string, string>; headers: Record<string, string>; body?: string }

/** Signs like the SDK does, then gives the request as it appears on the wire. */
async function signWithSmithy(service: string, req: Signed, opts: { s3?: boolean; presign?: number; secret?: string; at?: number } = {}): Promise<RawRequest> {
  const signer = new SignatureV4({
    service, region: 'eu-west-1', credentials: { ...CREDS, secretAccessKey: opts.secret ?? SECRET }, sha256: Sha256,
    uriEscapePath: !opts.s3, applyChecksum: !!opts.s3,
  });
  const request = { protocol: 'http:', hostname: 'localhost', port: 4566, ...req, headers: { host: 'localhost:4566', ...req.headers } };
  const signingDate = new Date(opts.at ?? NOW);
  const signed = opts.presign
    ? await signer.presign(request, { expiresIn: opts.presign, signingDate })
    : await signer.sign(request, { signingDate });
  const query = Object.entries(signed.query ?? {}).map(([k, v]) => `${rfc3986(k)}=${rfc3986(String(v))}`).join('&');
  return raw(signed.method, signed.path, query, signed.headers as Record<string, string>);
}

function verify(req: RawRequest, body: string | undefined, opts: { s3?: boolean; secret?: string; now?: number } = {}) {
  const sig = parseSignature(req);
  assert.ok(sig);
  const hash = payloadHash(req, sig, !!opts.s3, body === undefined ? undefined : Buffer.from(body));
  assert.ok(hash);
  return { sig, result: verifySignature(req, sig, opts.secret ?? SECRET, hash, { s3: !!opts.s3, nowMs: opts.now ?? NOW }) };
}

describe('SigV4 verification', () => {
  it('reproduces the AWS IAM test vector', () => {
    const req = raw('GET', '/', 'Action=ListUsers&Version=2010-05-08', {
      'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
      Host: 'iam.amazonaws.com',
      'X-Amz-Date': '20150830T123600Z',
      Authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    });
    const sig = parseSignature(req)!;
    const canonical = canonicalRequest(req, sig, payloadHash(req, sig, false, Buffer.alloc(0))!, false);
    assert.equal(canonical, 'GET\n/\nAction=ListUsers&Version=2010-05-08\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(sha256Hex(canonical), 'f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59');
    assert.equal(signingKey(SECRET, '20150830', 'us-east-1', 'iam').toString('hex'), 'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9');
    const now = Date.UTC(2015, 7, 30, 12, 40);
    const { result } = verify(req, '', { now });
    assert.equal(result.signature, '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
    assert.equal(failure(() => verify(req, '', { now, secret: 'other' })).kind, 'mismatch');
    assert.equal(failure(() => verify(req, '', { now: Date.UTC(2015, 7, 30, 13, 0) })).message,
      'Signature expired: 20150830T123600Z is now earlier than 20150830T124500Z (20150830T130000Z - 15 min.)');
    assert.equal(failure(() => verify(req, '', { now: Date.UTC(2015, 7, 30, 12, 0) })).kind, 'notYetCurrent');
  });

  it('verifies a Lambda rest-json request by ARN with $LATEST (double-encoded path)', async () => {
    const path = `/2015-03-31/functions/${encodeURIComponent('arn:aws:lambda:eu-west-1:123456789012:function:my-fn')}/invocations`;
    const body = '{"a":"b c"}';
    const req = await signWithSmithy('lambda', {
      method: 'POST', path, query: { Qualifier: '$LATEST' }, headers: { 'content-type': 'application/json', 'x-amz-user-agent': 'a  b' }, body,
    });
    assert.match(req.query, /Qualifier=%24LATEST/);
    const { sig } = verify(req, body);
    assert.deepEqual([sig.accessKeyId, sig.region, sig.service], ['AKIDEXAMPLE', 'eu-west-1', 'lambda']);
    assert.match(canonicalRequest(req, sig, 'x', false), /arn%253Aaws%253Alambda/);
    assert.equal(failure(() => verify(req, '{"a":"b d"}')).kind, 'mismatch');
    assert.equal(failure(() => verify(req, body, { secret: 'wrong' })).kind, 'mismatch');
  });

  it('verifies SQS JSON and a query-protocol form POST', async () => {
    const json = '{"QueueName":"q1"}';
    const req = await signWithSmithy('sqs', {
      method: 'POST', path: '/', query: {}, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.CreateQueue' }, body: json,
    });
    verify(req, json);
    const form = 'Action=SendMessage&MessageBody=h%C3%A9+llo&Version=2012-11-05';
    const q = await signWithSmithy('sqs', {
      method: 'POST', path: '/123456789012/q1', query: {}, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: form,
    });
    verify(q, form);
    assert.equal(failure(() => verify(q, form.replace('llo', 'lla'))).kind, 'mismatch');
  });

  it('verifies S3 keys with spaces and unicode (single-encoded path) and declared payload hashes', async () => {
    const path = `/bucket/${encodeURIComponent('my file é.txt')}`;
    const req = await signWithSmithy('s3', {
      method: 'PUT', path, query: {}, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, body: 'data',
    }, { s3: true });
    const { sig } = verify(req, undefined, { s3: true });
    assert.match(canonicalRequest(req, sig, 'UNSIGNED-PAYLOAD', true), /\n\/bucket\/my%20file%20%C3%A9\.txt\n/);
    const list = await signWithSmithy('s3', {
      method: 'GET', path: '/bucket', query: { 'list-type': '2', prefix: 'a b/ü', 'max-keys': '5' }, headers: { 'x-amz-content-sha256': sha256Hex('') },
    }, { s3: true });
    verify(list, undefined, { s3: true });
  });

  it('verifies presigned URLs and their expiry', async () => {
    const req = await signWithSmithy('s3', { method: 'GET', path: '/bucket/a%20b', query: { 'response-content-type': 'text/plain' }, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }, { s3: true, presign: 60 });
    assert.match(req.query, /X-Amz-Content-Sha256=UNSIGNED-PAYLOAD/i);
    const { sig } = verify(req, undefined, { s3: true });
    assert.equal(sig.form, 'query');
    assert.equal(sig.expiresSeconds, 60);
    assert.equal(failure(() => verify(req, undefined, { s3: true, now: NOW + 61_000 })).kind, 'presignExpired');
    const tampered = { ...req, query: req.query.replace('text%2Fplain', 'text%2Fhtml') };
    assert.equal(failure(() => verify(tampered, undefined, { s3: true })).kind, 'mismatch');
    const noExpires = { ...req, query: req.query.replace(/X-Amz-Expires=\d+&?/, '') };
    assert.equal(failure(() => parseSignature(noExpires)).kind, 'presignMalformed');
  });

  it('canonicalises paths, duplicate headers and whitespace like the SDKs', () => {
    assert.equal(canonicalUri('/a//b/./c/../d%20e', false), '/a/b/d%2520e');
    assert.equal(canonicalUri('', false), '/');
    assert.equal(canonicalUri('/a//b/./c', true), '/a//b/./c');
    const req = raw('GET', '/', 'b=2&a=2&a=1&c&d=%2B+', { Host: 'h', 'X-Multi': ' one ', 'x-multi': 'two   three ' });
    const canonical = canonicalRequest(req, { form: 'header', signedHeaders: 'host;x-multi' }, 'HASH', false);
    assert.equal(canonical, 'GET\n/\na=1&a=2&b=2&c=&d=%2B%2B\nhost:h\nx-multi:one,two three\n\nhost;x-multi\nHASH');
  });

  it('takes the Date header when X-Amz-Date is absent, and rejects SigV4A', () => {
    const sig = parseSignature(raw('GET', '/', '', {
      Host: 'h', Date: 'Fri, 04 Dec 2026 12:00:00 GMT', Authorization: 'AWS4-HMAC-SHA256 Credential=a/20261204/us-east-1/sqs/aws4_request,SignedHeaders=date;host,Signature=00',
    }))!;
    assert.equal(sig.timestamp, '20261204T120000Z');
    assert.equal(failure(() => parseSignature(raw('GET', '/', '', { Host: 'h', Authorization: 'AWS4-ECDSA-P256-SHA256 Credential=a/20261204/sqs/aws4_request, SignedHeaders=host, Signature=00' }))).kind, 'incomplete');
  });

  it('tells unsigned from malformed', () => {
    assert.equal(parseSignature(raw('GET', '/', '', { Host: 'h' })), undefined);
    assert.equal(failure(() => parseSignature(raw('GET', '/', '', { Host: 'h', Authorization: 'AWS4-HMAC-SHA256 Credential=a/20261204/us-east-1/sqs/aws4_request', 'X-Amz-Date': '20261204T000000Z' }))).kind, 'incomplete');
    assert.equal(failure(() => parseSignature(raw('GET', '/', '', { Host: 'h', Authorization: 'AWS4-HMAC-SHA256 Credential=a/20261203/us-east-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=00', 'X-Amz-Date': '20261204T000000Z' }))).kind, 'incomplete');
  });
});

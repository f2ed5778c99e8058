import type { IncomingMessage } from 'node:http';
import type { Account } from '../config/accounts.js';
import { AwsError } from '../core/errors.js';
import { sqsError } from '../sqs/errors.js';
import { readBody, setExpectedBodySha256, setPrereadBody } from './request.js';
import { ChunkSignatures, setChunkSignatures } from './sigv4-chunks.js';
import {
  EMPTY_SHA256, MAX_SKEW_MS, parseSignature, parseSigV2, verifySigV2, scopeOf, signingKey, payloadHash, sha256Hex, SigV4Failure, verifySignature, type RawRequest,
} from './sigv4-verify.js';

/** Strict mode: the accounts by access key id, and the clock signatures are checked against. */
export interface GatewayAuth {
  accounts: ReadonlyMap<string, Account>;
  /** Largest body buffered for hashing before a service reads it. */
  maxBodyBytes: number;
  /** The bucket a virtual-hosted S3 request addresses by its Host (S3 SigV2 signs it as part of the resource). */
  s3BucketFromHost?: (host: string | undefined) => string | undefined;
  now?: () => number;
}

export function accountsByKey(accounts: readonly Account[]): Map<string, Account> {
  return new Map(accounts.map((a) => [a.accessKeyId, a]));
}

type Failure = SigV4Failure['kind'] | 'missing' | 'missingContentSha256' | 'contentSha256Mismatch' | 'wrongService';

/** The scope service each gateway service's requests are signed for (botocore `signingName`). */
const SIGNING_NAMES: Readonly<Record<string, string>> = {
  lambda: 'lambda', sqs: 'sqs', s3: 's3', sns: 'sns', events: 'events', apigateway: 'apigateway',
};

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Verifies the SigV4 signature of an AWS API request for `service` and answers with the signer's account. Non-S3
 * bodies are read here (they are small and every such service reads them whole) and handed to the service through
 * `readBody`; S3 signs the declared `x-amz-content-sha256`, so its body stays a stream. Throws the protocol's AwsError.
 */
export async function authenticate(auth: GatewayAuth, service: string, req: IncomingMessage, raw: RawRequest): Promise<Account> {
  const s3 = service === 's3';
  const now = auth.now?.() ?? Date.now();
  let accessKeyId: string | undefined;
  try {
    if (s3) {
      const v2 = parseSigV2(raw);
      if (v2) {
        accessKeyId = v2.accessKeyId;
        const account = auth.accounts.get(v2.accessKeyId);
        if (!account) throw authError(service, 'unknownKey', '', { AWSAccessKeyId: v2.accessKeyId });
        verifySigV2(raw, v2, account.secretAccessKey, { nowMs: now, bucketFromHost: auth.s3BucketFromHost?.(req.headers.host) });
        return account;
      }
    }
    const sig = parseSignature(raw);
    if (!sig) throw authError(service, 'missing', 'Missing Authentication Token');
    accessKeyId = sig.accessKeyId;
    const signingName = SIGNING_NAMES[service] ?? service;
    if (sig.service !== signingName) throw authError(service, 'wrongService', `Credential should be scoped to correct service: '${signingName}'. `);
    const account = auth.accounts.get(sig.accessKeyId);
    if (!account) throw authError(service, 'unknownKey', 'The security token included in the request is invalid.', { AWSAccessKeyId: sig.accessKeyId });
    let hash = payloadHash(raw, sig, s3, undefined);
    if (s3 && hash === undefined) throw authError(service, 'missingContentSha256', 'Missing required header for this request: x-amz-content-sha256');
    if (!s3) {
      const body = await readBody(req, auth.maxBodyBytes, () => new AwsError('RequestEntityTooLarge', 413, 'Request entity too large'));
      setPrereadBody(req, body);
      const actual = body.length === 0 ? EMPTY_SHA256 : sha256Hex(body);
      if (hash !== undefined && HEX64.test(hash) && hash !== actual) {
        throw authError(service, 'contentSha256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.');
      }
      hash ??= actual;
    }
    const verified = verifySignature(raw, sig, account.secretAccessKey, hash!, { s3, nowMs: now });
    if (s3 && hash!.startsWith('STREAMING-AWS4-HMAC-SHA256-PAYLOAD')) {
      setChunkSignatures(req, new ChunkSignatures(signingKey(account.secretAccessKey, sig.date, sig.region, sig.service), sig.timestamp, scopeOf(sig), verified.signature));
    } else if (s3 && HEX64.test(hash!)) {
      // Object uploads compare a hex hash while streaming; the small bodies read whole are checked in readBody.
      setExpectedBodySha256(req, hash!, () => authError(service, 'contentSha256Mismatch', ''));
    }
    return account;
  } catch (err) {
    if (err instanceof SigV4Failure) throw authError(service, err.kind, err.message, { ...err.detail, AWSAccessKeyId: accessKeyId ?? '' }, now);
    throw err;
  }
}

/**
 * Verifies a request whose body is already read, for an HTTP front that authorizes with SigV4 (API Gateway
 * `AWS_IAM` methods, scope service `execute-api`). Answers with the account, or why the request is refused
 * (`missing` when unsigned), with the REST-JSON code and message AWS uses.
 */
export function verifyBuffered(auth: GatewayAuth, signingService: string, raw: RawRequest, body: Buffer):
  Account | { refused: 'missing' | 'invalid'; code: string; message: string } {
  const now = auth.now?.() ?? Date.now();
  try {
    const sig = parseSignature(raw);
    if (!sig) return { refused: 'missing', code: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
    if (sig.service !== signingService) {
      return { refused: 'invalid', code: 'InvalidSignatureException', message: `Credential should be scoped to correct service: '${signingService}'. ` };
    }
    const account = auth.accounts.get(sig.accessKeyId);
    if (!account) return { refused: 'invalid', code: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
    const hash = payloadHash(raw, sig, false, body)!;
    verifySignature(raw, sig, account.secretAccessKey, hash, { s3: false, nowMs: now });
    return account;
  } catch (err) {
    if (!(err instanceof SigV4Failure)) throw err;
    const code = err.kind === 'incomplete' || err.kind === 'presignMalformed' ? 'IncompleteSignatureException' : 'InvalidSignatureException';
    return { refused: 'invalid', code, message: err.message };
  }
}

/** The error each protocol answers an authentication failure with (docs: spec sigv4 §7). */
function authError(service: string, kind: Failure, message: string, detail: Record<string, string> = {}, now = Date.now()): AwsError {
  if (service === 's3') return s3AuthError(kind, message, detail, now);
  // [JSON / REST-JSON code, query code, HTTP status]
  const table: Record<Failure, [string, string, number]> = {
    missing: ['MissingAuthenticationTokenException', 'MissingAuthenticationToken', 403],
    incomplete: ['IncompleteSignatureException', 'IncompleteSignature', 400],
    presignMalformed: ['IncompleteSignatureException', 'IncompleteSignature', 400],
    unknownKey: ['UnrecognizedClientException', 'InvalidClientTokenId', 403],
    mismatch: ['InvalidSignatureException', 'SignatureDoesNotMatch', 403],
    expired: ['InvalidSignatureException', 'RequestExpired', 403],
    notYetCurrent: ['InvalidSignatureException', 'RequestExpired', 403],
    presignExpired: ['InvalidSignatureException', 'RequestExpired', 403],
    missingContentSha256: ['IncompleteSignatureException', 'IncompleteSignature', 400],
    contentSha256Mismatch: ['InvalidSignatureException', 'SignatureDoesNotMatch', 403],
    wrongService: ['InvalidSignatureException', 'SignatureDoesNotMatch', 403],
  };
  const [jsonCode, queryCode, status] = table[kind];
  const expired = queryCode === 'RequestExpired';
  if (service === 'sqs') return expired ? sqsError('RequestExpired', message, 400) : withQueryCode(sqsError(jsonCode, message, status), queryCode);
  if (service === 'sns') return new AwsError(queryCode, expired ? 400 : status, message);
  return new AwsError(jsonCode, status, message);
}

function withQueryCode(err: AwsError, queryCode: string): AwsError {
  err.extra['queryCode'] = queryCode;
  return err;
}

function s3AuthError(kind: Failure, message: string, d: Record<string, string>, now: number): AwsError {
  switch (kind) {
    case 'missing':
      return s3Error('AccessDenied', 403, {}, 'Access Denied');
    case 'wrongService':
    case 'incomplete':
      return s3Error('AuthorizationHeaderMalformed', 400, {}, `The authorization header is malformed; ${message}`);
    case 'presignMalformed':
      return s3Error('AuthorizationQueryParametersError', 400, {}, message);
    case 'missingContentSha256':
      return s3Error('InvalidRequest', 400, {}, message);
    case 'contentSha256Mismatch':
      return s3Error('XAmzContentSHA256Mismatch', 400, {}, "The provided 'x-amz-content-sha256' header does not match what was computed.");
    case 'unknownKey':
      return s3Error('InvalidAccessKeyId', 403, { AWSAccessKeyId: d.AWSAccessKeyId }, 'The AWS Access Key Id you provided does not exist in our records.');
    case 'mismatch':
      return s3Error('SignatureDoesNotMatch', 403, {
        AWSAccessKeyId: d.AWSAccessKeyId, StringToSign: d.stringToSign, SignatureProvided: d.signatureProvided, CanonicalRequest: d.canonicalRequest,
      }, 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
    case 'expired':
    case 'notYetCurrent':
      return s3Error('RequestTimeTooSkewed', 403, {
        RequestTime: d.requestTime, ServerTime: new Date(now).toISOString(), MaxAllowedSkewMilliseconds: String(MAX_SKEW_MS),
      }, 'The difference between the request time and the current time is too large.');
    case 'presignExpired':
      return s3Error('AccessDenied', 403, {
        'X-Amz-Expires': d.expires, Expires: new Date(parseAmz(d.requestTime!) + Number(d.expires) * 1000).toISOString(), ServerTime: new Date(now).toISOString(),
      }, 'Request has expired');
  }
}

function s3Error(code: string, status: number, extra: Record<string, unknown>, message: string): AwsError {
  return new AwsError(code, status, message, { extra });
}

function parseAmz(t: string): number {
  return Date.parse(`${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(9, 11)}:${t.slice(11, 13)}:${t.slice(13, 15)}Z`);
}


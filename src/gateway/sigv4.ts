import type { IncomingMessage } from 'node:http';

/** The credential scope of a SigV4-signed request: who signed it and for which region and service. */
export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

const HEADER_SCOPE = /Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/;

/** Reads the scope from the Authorization header or a presigned query; undefined when the request is unsigned. */
export function credentialScope(req: IncomingMessage, query: URLSearchParams | undefined): CredentialScope | undefined {
  const auth = req.headers.authorization;
  const text = auth ?? (query?.get('X-Amz-Credential') ? `Credential=${query.get('X-Amz-Credential')}` : undefined);
  if (!text) return undefined;
  const m = HEADER_SCOPE.exec(text);
  if (!m) return undefined;
  return { accessKeyId: m[1]!, date: m[2]!, region: m[3]!, service: m[4]! };
}

/**
 * The access key of a SigV2-signed request (`Authorization: AWS <key>:<signature>`, or S3's presigned query
 * `AWSAccessKeyId=…&Signature=…&Expires=…`); only S3 still takes SigV2, so such requests belong to S3. The query
 * protocols' own SigV2 (`SignatureVersion=2`) is not this.
 */
export function sigV2AccessKey(req: IncomingMessage, query: URLSearchParams | undefined): string | undefined {
  const auth = req.headers.authorization;
  if (auth !== undefined) return /^AWS ([^:\s]+):\S+$/.exec(auth)?.[1];
  if (query?.has('AWSAccessKeyId') && query.has('Signature') && !query.has('SignatureVersion')) return query.get('AWSAccessKeyId')!;
  return undefined;
}

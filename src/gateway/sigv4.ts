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

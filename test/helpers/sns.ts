import { SNSClient } from '@aws-sdk/client-sns';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from './sha256.js';
import { TEST_CREDENTIALS } from './server.js';

/** The real SDK v3 SNS client (query protocol), pinned to `endpoint`. */
export function snsClient(endpoint: string, region = 'us-east-1'): SNSClient {
  return new SNSClient({ endpoint, region, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
}

export const topicArn = (name: string, region = 'us-east-1', account = '000000000000') => `arn:aws:sns:${region}:${account}:${name}`;

const snsSigner = new SignatureV4({ service: 'sns', region: 'us-east-1', credentials: TEST_CREDENTIALS, sha256: Sha256 });

/** One SigV4-signed SNS query request (`Action=<op>&Version=2010-03-31&...`) with parameters exactly as given. */
export async function snsQuery(endpoint: string, action: string, params: [string, string][]): Promise<{ status: number; text: string }> {
  const url = new URL(endpoint);
  const form = new URLSearchParams({ Action: action, Version: '2010-03-31' });
  for (const [k, v] of params) form.append(k, v);
  const body = form.toString();
  const request = {
    method: 'POST', protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: '/', query: {},
    headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body,
  };
  const signed = await snsSigner.sign(request);
  const res = await fetch(endpoint, { method: 'POST', headers: signed.headers as Record<string, string>, body });
  return { status: res.status, text: await res.text() };
}

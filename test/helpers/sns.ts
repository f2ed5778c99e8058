import { SNSClient } from '@aws-sdk/client-sns';
import { TEST_CREDENTIALS } from './server.js';

/** The real SDK v3 SNS client (query protocol), pinned to `endpoint`. */
export function snsClient(endpoint: string, region = 'us-east-1'): SNSClient {
  return new SNSClient({ endpoint, region, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
}

export const topicArn = (name: string, region = 'us-east-1', account = '000000000000') => `arn:aws:sns:${region}:${account}:${name}`;

import { invalidParameter } from '../errors.js';

/** An SNS topic ARN's parts: `arn:aws:sns:<region>:<account>:<name>`. */
export interface TopicName {
  region: string;
  account: string;
  name: string;
}

export const topicArnOf = (t: TopicName): string => `arn:aws:sns:${t.region}:${t.account}:${t.name}`;

/**
 * Parses a TopicArn member (`what` names it in the error): fewer than six `:`-separated elements is SNS's
 * "An ARN must have at least 6 elements" refusal; a well-formed ARN of another service or shape is `Invalid parameter: <what>`.
 */
export function parseTopicArn(arn: string, what = 'TopicArn'): TopicName {
  const parts = arn.split(':');
  if (parts.length < 6) throw invalidParameter(`${what} Reason: An ARN must have at least 6 elements, not ${parts.length}`);
  const [prefix, partition, service, region, account, ...rest] = parts;
  const name = rest.join(':');
  if (prefix !== 'arn' || !partition!.startsWith('aws') || service !== 'sns' || !region || !/^\d{12}$/.test(account!) || !/^[A-Za-z0-9_-]{1,256}$/.test(name)) {
    throw invalidParameter(what);
  }
  return { region: region!, account: account!, name };
}

/** A subscription ARN is its topic's ARN and a UUID: `arn:aws:sns:<region>:<account>:<topic>:<uuid>`. */
export function parseSubscriptionArn(arn: string): { topicArn: string; id: string } {
  const parts = arn.split(':');
  if (parts.length < 6) throw invalidParameter(`SubscriptionArn Reason: An ARN must have at least 6 elements, not ${parts.length}`);
  if (parts.length !== 7 || parts[0] !== 'arn' || parts[2] !== 'sns') throw invalidParameter('SubscriptionId');
  return { topicArn: parts.slice(0, 6).join(':'), id: parts[6]! };
}

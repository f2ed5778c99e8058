import { parsePattern, PatternError, type EventPattern } from '../../core/event-pattern.js';
import type { SnsSubscriptionRecord, SnsTopicRecord } from '../../store/store.js';
import { invalidParameter } from '../errors.js';

/**
 * Topic and subscription attributes (SNS API reference, SetTopicAttributes / SetSubscriptionAttributes /
 * GetTopicAttributes / GetSubscriptionAttributes). Records keep only what was set; defaults are filled in on read.
 */

const JSON_ATTRIBUTE = (name: string, value: string, prefix: string): void => {
  try {
    const v: unknown = JSON.parse(value);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
  } catch {
    throw invalidParameter(`${prefix}${name}: failed to parse JSON.`);
  }
};

/** Settable topic attributes and their checks; FIFO ones are refused (lambkin serves standard topics). */
const TOPIC_CHECKS: Readonly<Record<string, (value: string, prefix: string) => void>> = {
  DisplayName: (v, p) => {
    if (v.length > 100) throw invalidParameter(`${p}DisplayName`);
  },
  Policy: (v, p) => JSON_ATTRIBUTE('Policy', v, p),
  DeliveryPolicy: (v, p) => JSON_ATTRIBUTE('DeliveryPolicy', v, p),
  KmsMasterKeyId: () => undefined,
  SignatureVersion: (v, p) => {
    if (v !== '1' && v !== '2') throw invalidParameter(`${p}SignatureVersion`);
  },
  TracingConfig: (v, p) => {
    if (v !== 'PassThrough' && v !== 'Active') throw invalidParameter(`${p}TracingConfig`);
  },
};

const FEEDBACK = /^(HTTP|Firehose|Lambda|SQS|Application)(SuccessFeedbackRoleArn|SuccessFeedbackSampleRate|FailureFeedbackRoleArn)$/;
const FIFO_ATTRIBUTES = new Set(['FifoTopic', 'ContentBasedDeduplication', 'ArchivePolicy', 'FifoThroughputScope']);

/** Throws InvalidParameter for an attribute that cannot be set or a value it cannot take. `prefix` as SNS words the member. */
export function checkTopicAttribute(name: string, value: string, prefix = ''): void {
  if (FIFO_ATTRIBUTES.has(name)) {
    if (name === 'FifoTopic' && value === 'false') return;
    throw invalidParameter(`${prefix}${name} Reason: lambkin serves standard topics only; FIFO topics are not supported`);
  }
  const check = Object.hasOwn(TOPIC_CHECKS, name) ? TOPIC_CHECKS[name] : undefined;
  if (check) check(value, prefix);
  else if (!FEEDBACK.test(name)) throw invalidParameter(`${prefix}AttributeName`);
}

export function defaultTopicPolicy(t: SnsTopicRecord): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [{
      Sid: '__default_statement_ID', Effect: 'Allow', Principal: { AWS: '*' },
      Action: [
        'SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:AddPermission', 'SNS:RemovePermission', 'SNS:DeleteTopic',
        'SNS:Subscribe', 'SNS:ListSubscriptionsByTopic', 'SNS:Publish',
      ],
      Resource: t.arn,
      Condition: { StringEquals: { 'AWS:SourceOwner': t.account } },
    }],
  });
}

const DEFAULT_DELIVERY_POLICY = JSON.stringify({
  http: {
    defaultHealthyRetryPolicy: {
      minDelayTarget: 20, maxDelayTarget: 20, numRetries: 3, numMaxDelayRetries: 0, numNoDelayRetries: 0, numMinDelayRetries: 0,
      backoffFunction: 'linear',
    },
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' },
  },
});

/** GetTopicAttributes: the computed members, then what was set. */
export function topicAttributes(t: SnsTopicRecord, confirmed: number): Record<string, string> {
  return {
    Policy: t.attributes.Policy ?? defaultTopicPolicy(t),
    Owner: t.account,
    SubscriptionsPending: '0',
    TopicArn: t.arn,
    EffectiveDeliveryPolicy: t.attributes.DeliveryPolicy ?? DEFAULT_DELIVERY_POLICY,
    SubscriptionsConfirmed: String(confirmed),
    DisplayName: t.attributes.DisplayName ?? '',
    SubscriptionsDeleted: '0',
    ...t.attributes,
  };
}

export type FilterScope = 'MessageAttributes' | 'MessageBody';

const SUBSCRIPTION_ATTRIBUTES = new Set(['DeliveryPolicy', 'FilterPolicy', 'FilterPolicyScope', 'RawMessageDelivery', 'RedrivePolicy', 'SubscriptionRoleArn']);

/**
 * Checks one subscription attribute for a subscription of `protocol`. `prefix` is `Attributes Reason: ` in
 * Subscribe and empty in SetSubscriptionAttributes, as SNS words them. Returns the value to store.
 */
export function checkSubscriptionAttribute(name: string, value: string, protocol: string, prefix = ''): string {
  if (!SUBSCRIPTION_ATTRIBUTES.has(name)) throw invalidParameter(`${prefix}AttributeName`);
  switch (name) {
    case 'FilterPolicy':
      if (value !== '') filterPolicy(value, prefix);
      return value;
    case 'FilterPolicyScope':
      if (value !== 'MessageAttributes' && value !== 'MessageBody') {
        throw invalidParameter(`${prefix}FilterPolicyScope: Invalid value [${value}]. Please use either MessageBody or MessageAttributes`);
      }
      return value;
    case 'RawMessageDelivery': {
      const v = value.toLowerCase();
      if (v !== 'true' && v !== 'false') throw invalidParameter(`${prefix}RawMessageDelivery: Invalid value [${value}]. Must be true or false.`);
      if (v === 'true' && protocol === 'lambda') throw invalidParameter(`${prefix}RawMessageDelivery: Invalid value [${value}]. Must be false.`);
      return v;
    }
    case 'DeliveryPolicy':
    case 'RedrivePolicy':
      JSON_ATTRIBUTE(name, value, prefix);
      return value;
    default:
      return value;
  }
}

/** A filter policy's text → the shared pattern matcher's form (InvalidParameter with the reason when it is not valid). */
export function filterPolicy(text: string, prefix = ''): EventPattern {
  try {
    return parsePattern(text);
  } catch (err) {
    if (err instanceof PatternError) throw invalidParameter(`${prefix}FilterPolicy: ${err.message}`);
    throw err;
  }
}

/** Message attributes are flat: a policy for them may not nest objects (SNS DG "Subscription filter policy scope"). */
export function checkPolicyScope(policy: EventPattern, scope: FilterScope, prefix = ''): void {
  if (scope === 'MessageAttributes' && nested(policy)) {
    throw invalidParameter(`${prefix}FilterPolicy: Filter policy scope MessageAttributes does not support nested filter policy`);
  }
}

function nested(p: EventPattern): boolean {
  return p.fields.some(([, node]) => node.kind === 'object') || (p.or ?? []).some(nested);
}

/** GetSubscriptionAttributes: SNS's members for a confirmed subscription, then what was set. */
export function subscriptionAttributes(s: SnsSubscriptionRecord): Record<string, string> {
  const out: Record<string, string> = {
    ConfirmationWasAuthenticated: 'true',
    PendingConfirmation: 'false',
    TopicArn: s.topicArn,
    Owner: s.owner,
    RawMessageDelivery: 'false',
    SubscriptionArn: s.arn,
    Protocol: s.protocol,
    Endpoint: s.endpoint,
    SubscriptionPrincipal: `arn:aws:iam::${s.owner}:root`,
  };
  for (const [k, v] of Object.entries(s.attributes)) if (v !== '') out[k] = v;
  if (out.FilterPolicy !== undefined) out.FilterPolicyScope ??= 'MessageAttributes';
  else delete out.FilterPolicyScope;
  return out;
}

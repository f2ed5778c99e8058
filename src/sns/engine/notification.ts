import { parseEventJson, type EventPattern, matchesPattern } from '../../core/event-pattern.js';

/** A message attribute as SNS keeps it: `String`, `String.Array`, `Number` or `Binary` (value base64 for Binary). */
export interface SnsAttribute {
  Type: string;
  Value: string;
}

export interface SnsMessage {
  messageId: string;
  topicArn: string;
  subject?: string;
  message: string;
  attributes: Record<string, SnsAttribute>;
  timestampMs: number;
}

/**
 * The event a `lambda` subscription's function receives (event-sources.md §4.2): one record, PascalCase keys,
 * `Subject` null when absent, `MessageAttributes` {} when none. Signatures are placeholders: nothing verifies them
 * against lambkin, and the URLs point at the endpoint the message came through.
 */
export function snsLambdaEvent(m: SnsMessage, subscriptionArn: string, endpoint: string): string {
  return JSON.stringify({
    Records: [{
      EventVersion: '1.0',
      EventSource: 'aws:sns',
      EventSubscriptionArn: subscriptionArn,
      Sns: {
        Type: 'Notification',
        MessageId: m.messageId,
        TopicArn: m.topicArn,
        Subject: m.subject ?? null,
        Message: m.message,
        Timestamp: new Date(m.timestampMs).toISOString(),
        SignatureVersion: '1',
        Signature: 'EXAMPLE',
        SigningCertUrl: `${endpoint}/SimpleNotificationService-lambkin.pem`,
        UnsubscribeUrl: `${endpoint}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subscriptionArn)}`,
        MessageAttributes: m.attributes,
      },
    }],
  });
}

/**
 * What a subscription's filter policy is matched against (SNS DG "Subscription filter policies"): with
 * FilterPolicyScope MessageAttributes, an object of the attributes (`Number` as numbers, `String.Array` as arrays);
 * with MessageBody, the message parsed as JSON (a body that is not a JSON object matches no policy).
 */
export function filterSubject(m: SnsMessage, scope: 'MessageAttributes' | 'MessageBody'): unknown {
  if (scope === 'MessageBody') {
    try {
      const body = parseEventJson(m.message);
      return body !== null && typeof body === 'object' && !Array.isArray(body) ? body : undefined;
    } catch {
      return undefined;
    }
  }
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [name, a] of Object.entries(m.attributes)) {
    if (a.Type === 'Binary') continue; // binary attributes never match a policy
    if (a.Type.startsWith('Number')) {
      const n = numberValue(a.Value);
      if (n !== undefined) out[name] = n; // a number the matcher cannot read is left out: it matches nothing
    } else if (a.Type === 'String.Array') out[name] = arrayValue(a.Value);
    else out[name] = a.Value;
  }
  return out;
}

/**
 * A Number attribute's value for the matcher: its text in JSON's number form (`.5` → `0.5`, `5.` → `5`, `+5` → `5`),
 * read keeping the source text; undefined when it is not a number.
 */
function numberValue(text: string): unknown {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?([eE][+-]?\d+)?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const whole = (m[2] ?? '').replace(/^0+(?=\d)/, '') || '0';
  const json = `${m[1] === '-' ? '-' : ''}${whole}${m[3] ? `.${m[3]}` : ''}${m[4] ?? ''}`;
  try {
    return parseEventJson(json);
  } catch {
    return undefined;
  }
}

function arrayValue(text: string): unknown {
  try {
    const v = parseEventJson(text);
    return Array.isArray(v) ? v : text;
  } catch {
    return text;
  }
}

/** Whether a message passes a subscription's filter policy (none = everything passes). */
export function passesFilter(m: SnsMessage, policy: EventPattern | undefined, scope: 'MessageAttributes' | 'MessageBody'): boolean {
  if (!policy) return true;
  try {
    const subject = filterSubject(m, scope);
    return subject !== undefined && matchesPattern(policy, subject);
  } catch {
    return false; // what the matcher cannot read does not match; a filter never fails a publish
  }
}

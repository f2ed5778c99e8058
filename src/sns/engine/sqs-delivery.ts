import type { MessageAttributeValue, SendInput } from '../../sqs/engine/message.js';
import type { SnsMessage } from './notification.js';

/**
 * What an `sqs` subscription's queue receives (SNS DG "Fanout to Amazon SQS queues", "Amazon SNS raw message
 * delivery"): by default the JSON notification envelope as the message body, with `Subject` and
 * `MessageAttributes` only when the message has them; with RawMessageDelivery the message itself, its attributes
 * becoming the SQS message's attributes.
 */
export function sqsDelivery(m: SnsMessage, subscriptionArn: string, endpoint: string, raw: boolean): SendInput {
  if (raw) {
    const input: SendInput = { body: m.message };
    if (Object.keys(m.attributes).length) input.messageAttributes = sqsAttributes(m);
    return input;
  }
  return { body: snsEnvelope(m, subscriptionArn, endpoint) };
}

export function snsEnvelope(m: SnsMessage, subscriptionArn: string, endpoint: string): string {
  const envelope: Record<string, unknown> = {
    Type: 'Notification',
    MessageId: m.messageId,
    TopicArn: m.topicArn,
  };
  if (m.subject !== undefined) envelope.Subject = m.subject;
  Object.assign(envelope, {
    Message: m.message,
    Timestamp: new Date(m.timestampMs).toISOString(),
    SignatureVersion: '1',
    Signature: 'EXAMPLE',
    SigningCertURL: `${endpoint}/SimpleNotificationService-lambkin.pem`,
    UnsubscribeURL: `${endpoint}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subscriptionArn)}`,
  });
  if (Object.keys(m.attributes).length) envelope.MessageAttributes = m.attributes;
  return JSON.stringify(envelope);
}

/** SNS attribute types map onto SQS's: Binary values as bytes, the others (String.Array too) as text. */
function sqsAttributes(m: SnsMessage): Record<string, MessageAttributeValue> {
  const out = Object.create(null) as Record<string, MessageAttributeValue>;
  for (const [name, a] of Object.entries(m.attributes)) {
    out[name] = a.Type.startsWith('Binary')
      ? { DataType: a.Type, BinaryValue: Buffer.from(a.Value, 'base64') }
      : { DataType: a.Type, StringValue: a.Value };
  }
  return out;
}

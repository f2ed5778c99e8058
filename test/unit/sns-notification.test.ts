// SNS: the event a lambda subscription receives (event-sources.md §4.2) and subscription filter policies over
// message attributes or the message body (SNS DG "Subscription filter policies").
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePattern } from '../../src/core/event-pattern.js';
import { passesFilter, snsLambdaEvent, type SnsMessage } from '../../src/sns/engine/notification.js';

const TOPIC = 'arn:aws:sns:us-east-1:000000000000:orders';
const msg = (extra: Partial<SnsMessage> = {}): SnsMessage => ({
  messageId: 'm-1', topicArn: TOPIC, message: '{"kind":"big","total":120}', timestampMs: Date.parse('2026-12-04T10:00:00.123Z'),
  attributes: {
    colour: { Type: 'String', Value: 'red' }, size: { Type: 'Number', Value: '42' }, tags: { Type: 'String.Array', Value: '["a","b"]' },
    raw: { Type: 'Binary', Value: 'AAE=' },
  },
  ...extra,
});

describe('snsLambdaEvent', () => {
  test('one record with AWS\'s members, Subject null when absent', () => {
    const e = JSON.parse(snsLambdaEvent(msg(), `${TOPIC}:sub-1`, 'http://127.0.0.1:4566'));
    assert.equal(e.Records.length, 1);
    const r = e.Records[0];
    assert.deepEqual(Object.keys(r), ['EventVersion', 'EventSource', 'EventSubscriptionArn', 'Sns']);
    assert.equal(r.EventSource, 'aws:sns');
    assert.equal(r.EventSubscriptionArn, `${TOPIC}:sub-1`);
    assert.deepEqual(Object.keys(r.Sns), [
      'Type', 'MessageId', 'TopicArn', 'Subject', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertUrl', 'UnsubscribeUrl',
      'MessageAttributes',
    ]);
    assert.equal(r.Sns.Subject, null);
    assert.equal(r.Sns.Timestamp, '2026-12-04T10:00:00.123Z');
    assert.deepEqual(r.Sns.MessageAttributes.colour, { Type: 'String', Value: 'red' });
    assert.equal(JSON.parse(snsLambdaEvent(msg({ subject: 'Hi' }), `${TOPIC}:s`, 'http://x')).Records[0].Sns.Subject, 'Hi');
  });
});

describe('filter policies', () => {
  const attrs = (policy: object) => passesFilter(msg(), parsePattern(JSON.stringify(policy)), 'MessageAttributes');
  const body = (policy: object, m = msg()) => passesFilter(m, parsePattern(JSON.stringify(policy)), 'MessageBody');
  test('no policy passes everything', () => assert.ok(passesFilter(msg(), undefined, 'MessageAttributes')));
  test('string, numeric, array and exists matching on attributes', () => {
    assert.ok(attrs({ colour: ['red', 'blue'] }));
    assert.ok(!attrs({ colour: ['blue'] }));
    assert.ok(attrs({ size: [{ numeric: ['>=', 40, '<', 50] }] }));
    assert.ok(!attrs({ size: [{ numeric: ['>', 42] }] }));
    assert.ok(attrs({ tags: ['b'] }), 'a String.Array matches when any element does');
    assert.ok(attrs({ colour: [{ prefix: 're' }], size: [{ exists: true }] }));
    assert.ok(!attrs({ missing: [{ exists: true }] }));
    assert.ok(!attrs({ raw: [{ exists: true }] }), 'binary attributes are not matched');
  });
  test('MessageBody scope matches the JSON message; a non-JSON body matches nothing', () => {
    assert.ok(body({ kind: ['big'], total: [{ numeric: ['>', 100] }] }));
    assert.ok(!body({ kind: ['small'] }));
    assert.ok(!body({ kind: ['big'] }, msg({ message: 'plain text' })));
  });
});

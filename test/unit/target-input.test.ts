// What an EventBridge rule target receives (EventBridge UG "Transforming target input") and the event envelope.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventTime, scheduledEvent } from '../../src/events/engine/envelope.js';
import { InputPathError, selectPath, targetPayload, transformerProblem } from '../../src/events/engine/target-input.js';

const EVENT = {
  version: '0', id: 'e1', 'detail-type': 'Order Placed', source: 'shop', account: '000000000000', time: '2026-12-04T10:00:00Z',
  region: 'us-east-1', resources: ['arn:aws:events:us-east-1:000000000000:rule/r'],
  detail: { order: { id: 'o-7', total: 12.5, items: [{ sku: 'a' }, { sku: 'b' }] }, 'the note': 'say "hi"' },
};
const CTX = { ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/r', ruleName: 'r', ingestionTimeMs: Date.parse('2026-12-04T10:00:01Z') };

describe('targetPayload', () => {
  test('no setting: the whole event', () => assert.deepEqual(JSON.parse(targetPayload(EVENT, {}, CTX)), EVENT));
  test('Input: the fixed text', () => assert.equal(targetPayload(EVENT, { Input: '{"fixed":true}' }, CTX), '{"fixed":true}'));
  test('InputPath: the selected part', () => {
    assert.deepEqual(JSON.parse(targetPayload(EVENT, { InputPath: '$.detail.order' }, CTX)), EVENT.detail.order);
    assert.equal(targetPayload(EVENT, { InputPath: '$.detail.order.items[1].sku' }, CTX), '"b"');
    assert.equal(targetPayload(EVENT, { InputPath: '$.detail.missing' }, CTX), 'null');
  });
  test('InputTransformer into a JSON template: quoted placeholders take text, bare ones take JSON', () => {
    const out = targetPayload(EVENT, {
      InputTransformer: {
        InputPathsMap: { id: '$.detail.order.id', total: '$.detail.order.total', items: '$.detail.order.items', note: "$.detail['the note']" },
        InputTemplate: '{"order": "<id>", "total": <total>, "items": <items>, "note": "<note>", "rule": "<aws.events.rule-name>"}',
      },
    }, CTX);
    assert.deepEqual(JSON.parse(out), { order: 'o-7', total: 12.5, items: EVENT.detail.order.items, note: 'say "hi"', rule: 'r' });
  });
  test('InputTransformer into a text template, and the predefined variables', () => {
    const out = targetPayload(EVENT, {
      InputTransformer: { InputPathsMap: { id: '$.detail.order.id' }, InputTemplate: '"order <id> matched <aws.events.rule-arn>"' },
    }, CTX);
    assert.equal(JSON.parse(out), `order o-7 matched ${CTX.ruleArn}`);
    const whole = targetPayload(EVENT, { InputTransformer: { InputTemplate: '{"e": <aws.events.event.json>}' } }, CTX);
    assert.deepEqual(JSON.parse(whole), { e: EVENT });
  });
  test('<aws.events.event> is the event without its detail; <aws.events.event.json> the whole event', () => {
    const out = targetPayload(EVENT, { InputTransformer: { InputTemplate: '{"e": <aws.events.event>, "j": <aws.events.event.json>}' } }, CTX);
    const { detail: _detail, ...withoutDetail } = EVENT;
    assert.deepEqual(JSON.parse(out), { e: withoutDetail, j: EVENT });
  });
  test('transformers PutTargets refuses: reserved names, over 100 variables, undefined placeholders, placeholders as keys', () => {
    const problem = (InputTemplate: string, InputPathsMap?: Record<string, string>) => transformerProblem(InputPathsMap ? { InputTemplate, InputPathsMap } : { InputTemplate });
    assert.match(problem('{"a": <aws.events.rule-arn>}', { 'aws.events.rule-arn': '$.id' })!, /aws\.events\.rule-arn is reserved/);
    assert.match(problem('"x"', { 'aws.events.mine': '$.id' })!, /reserved/);
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`v${i}`, '$.id']));
    assert.match(problem('"x"', many)!, /101 entries; at most 100/);
    assert.equal(problem('"x"', Object.fromEntries(Object.entries(many).slice(0, 100))), undefined);
    assert.match(problem('{"a": <nope>}', { id: '$.id' })!, /placeholder <nope> is not defined/);
    assert.match(problem('{"<id>": 1}', { id: '$.id' })!, /<id> as an object key/);
    assert.match(problem('{"k-<id>" : 1}', { id: '$.id' })!, /<id> as an object key/);
    assert.match(problem('{<id>: 1}', { id: '$.id' })!, /<id> as an object key/);
    assert.equal(problem('{"a": "<id>", "b": <id>, "r": "<aws.events.rule-name>"}', { id: '$.id' }), undefined);
    assert.equal(problem('"time <id>: done"', { id: '$.id' }), undefined);
  });
  test('paths name the event\'s own members only, never Object.prototype\'s', () => {
    for (const path of ['$.constructor', '$.detail.toString', '$.detail.__proto__', '$.resources.length', '$.detail.hasOwnProperty']) {
      assert.equal(selectPath(EVENT, path), undefined, path);
      assert.equal(targetPayload(EVENT, { InputPath: path }, CTX), 'null', path);
    }
    const own = JSON.parse('{"__proto__": {"a": 1}, "constructor": 2}');
    assert.deepEqual(selectPath(own, '$.__proto__'), { a: 1 });
    assert.equal(selectPath(own, '$.constructor'), 2);
  });
  test('paths outside the supported form are refused', () => {
    assert.throws(() => selectPath(EVENT, 'detail.order'), InputPathError);
    assert.throws(() => selectPath(EVENT, '$..order'), InputPathError);
  });
});

describe('envelope', () => {
  test('a scheduled event as AWS sends it; time to the second', () => {
    const e = scheduledEvent('id-1', CTX.ruleArn, '000000000000', 'us-east-1', Date.parse('2026-12-04T10:00:00.789Z'));
    assert.deepEqual(e, {
      version: '0', id: 'id-1', 'detail-type': 'Scheduled Event', source: 'aws.events', account: '000000000000', time: '2026-12-04T10:00:00Z',
      region: 'us-east-1', resources: [CTX.ruleArn], detail: {},
    });
    assert.equal(eventTime(0), '1970-01-01T00:00:00Z');
  });
});

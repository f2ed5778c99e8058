// Publish validates everything before it delivers anything (Number attributes as SNS reads them, reserved attribute
// names), a filter policy never fails a publish, names that are built-in JavaScript object properties (`__proto__`,
// `constructor`, `hasOwnProperty`, ...) are names like any other, and CreateTopic checks its tags as TagResource does.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  CreateTopicCommand, GetTopicAttributesCommand, ListTagsForResourceCommand, ListTopicsCommand, PublishBatchCommand, PublishCommand,
  SetTopicAttributesCommand, SubscribeCommand, type MessageAttributeValue, type SNSClient,
} from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createQueue, queueDepth, receive, type TestQueue } from '../helpers/async.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { startServer, tempDir, uniqueName } from '../helpers/server.js';
import { snsClient, snsQuery } from '../helpers/sns.js';
import { sqsClient, sqsQuery } from '../helpers/sqs.js';

let srv: Awaited<ReturnType<typeof startServer>>;
let sns: SNSClient;
let sqs: SQSClient;
const dataDir = tempDir();
before(async () => {
  srv = await startServer({ spareRuntimes: 0, dataDir });
  sns = snsClient(srv.url);
  sqs = sqsClient(srv.url);
});
after(async () => {
  sns?.destroy();
  sqs?.destroy();
  await srv?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const invalid = (message: string | RegExp) => ({ name: 'InvalidParameterException', status: 400, message });
const valueInvalid = (message: string | RegExp) => ({ name: 'InvalidParameterValueException', status: 400, message });

/** A map whose keys are taken literally (an object literal's `__proto__:` would set the prototype instead). */
const literal = <T>(entries: [string, T][]): Record<string, T> => {
  const out: Record<string, T> = {};
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
};

async function newTopic(): Promise<string> {
  return (await sns.send(new CreateTopicCommand({ Name: uniqueName('t') }))).TopicArn!;
}

/** A topic with two queue subscriptions: `plain` without a filter policy, `filtered` with one on attribute `n`. */
async function fanout(raw = false): Promise<{ topic: string; plain: TestQueue; filtered: TestQueue }> {
  const topic = await newTopic();
  const plain = await createQueue(sqs, 'plain');
  const filtered = await createQueue(sqs, 'filtered');
  const rawAttr: Record<string, string> = raw ? { RawMessageDelivery: 'true' } : {};
  await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'sqs', Endpoint: plain.arn, Attributes: rawAttr }));
  await sns.send(new SubscribeCommand({
    TopicArn: topic, Protocol: 'sqs', Endpoint: filtered.arn, Attributes: { ...rawAttr, FilterPolicy: JSON.stringify({ n: [{ numeric: ['>', 0] }] }) },
  }));
  return { topic, plain, filtered };
}

const num = (v: string): MessageAttributeValue => ({ DataType: 'Number', StringValue: v });

describe('Number attributes and filter policies', () => {
  test('.5, 5. and +5 are numbers: Publish answers 200 once, the filter reads them', async () => {
    const { topic, plain, filtered } = await fanout();
    for (const v of ['.5', '5.', '+5', '0005', '-.5']) {
      const r = await sns.send(new PublishCommand({ TopicArn: topic, Message: `m ${v}`, MessageAttributes: { n: num(v) } }));
      assert.equal(r.$metadata.httpStatusCode, 200);
    }
    assert.equal((await receive(sqs, plain.url, 5)).length, 5);
    const passed = (await receive(sqs, filtered.url, 4)).map((m) => JSON.parse(m.Body!).Message).sort();
    assert.deepEqual(passed, ['m +5', 'm .5', 'm 0005', 'm 5.']);
    assert.equal(await queueDepth(sqs, filtered.url), 0);
  });

  test('PublishBatch with such numbers: each entry delivered once', async () => {
    const { topic, plain, filtered } = await fanout();
    const r = await sns.send(new PublishBatchCommand({
      TopicArn: topic,
      PublishBatchRequestEntries: [{ Id: 'a', Message: 'a', MessageAttributes: { n: num('.5') } }, { Id: 'b', Message: 'b', MessageAttributes: { n: num('5.') } }],
    }));
    assert.equal(r.Successful?.length, 2);
    assert.equal((await receive(sqs, plain.url, 2)).length, 2);
    assert.equal((await receive(sqs, filtered.url, 2)).length, 2);
  });

  test('numbers SNS cannot hold are refused before anything is delivered', async () => {
    const { topic, plain } = await fanout(true);
    const cases = ['1e127', '-1e127', '1e-129', '1'.repeat(39), '1e999', '0x10', 'NaN', 'Infinity', '1_000', '5e'];
    for (const v of cases) {
      await expectAwsError(sns.send(new PublishCommand({ TopicArn: topic, Message: 'm', MessageAttributes: { n: num(v) } })),
        valueInvalid("Could not cast message attribute 'n' value to number."));
    }
    // The edges are numbers.
    for (const v of ['1e126', '-1e126', '1e-128', '9'.repeat(38), '0', '0.000']) {
      await sns.send(new PublishCommand({ TopicArn: topic, Message: v, MessageAttributes: { n: num(v) } }));
    }
    assert.equal((await receive(sqs, plain.url, 6)).length, 6);
    const batch = await sns.send(new PublishBatchCommand({
      TopicArn: topic,
      PublishBatchRequestEntries: [{ Id: 'ok', Message: 'ok', MessageAttributes: { n: num('1') } }, { Id: 'bad', Message: 'bad', MessageAttributes: { n: num('1e200') } }],
    }));
    assert.deepEqual(batch.Successful?.map((s) => s.Id), ['ok']);
    assert.equal(batch.Failed?.[0]?.Id, 'bad');
    assert.equal(batch.Failed?.[0]?.Code, 'ParameterValueInvalid');
    assert.equal((await receive(sqs, plain.url, 1)).map((m) => m.Body)[0], 'ok');
    assert.equal(await queueDepth(sqs, plain.url), 0);
  });

  test('attribute names starting with AWS. or Amazon. (any case) are reserved', async () => {
    const { topic, plain } = await fanout();
    for (const name of ['AWS.trace', 'aws.x', 'Amazon.id', 'AMAZON.y']) {
      await expectAwsError(sns.send(new PublishCommand({ TopicArn: topic, Message: 'm', MessageAttributes: { [name]: { DataType: 'String', StringValue: 'v' } } })),
        valueInvalid(`The message attribute name '${name}' is invalid: names starting with 'AWS.' or 'Amazon.' are reserved.`));
    }
    assert.equal(await queueDepth(sqs, plain.url), 0);
  });
});

describe('names that are JavaScript object properties', () => {
  test('CreateTopic refuses them as attribute names, and creates nothing', async () => {
    for (const key of ['hasOwnProperty', 'valueOf', '__proto__', 'constructor', 'toString']) {
      const name = uniqueName('proto');
      await expectAwsError(sns.send(new CreateTopicCommand({ Name: name, Attributes: literal([[key, 'x']]) })), invalid('Invalid parameter: Attributes Reason: AttributeName'));
      const topics = (await sns.send(new ListTopicsCommand({}))).Topics ?? [];
      assert.ok(!topics.some((t) => t.TopicArn!.endsWith(`:${name}`)));
    }
  });

  test('SetTopicAttributes and Subscribe refuse them', async () => {
    const topic = await newTopic();
    for (const key of ['__proto__', 'constructor', 'hasOwnProperty']) {
      await expectAwsError(sns.send(new SetTopicAttributesCommand({ TopicArn: topic, AttributeName: key, AttributeValue: 'x' })), invalid('Invalid parameter: AttributeName'));
    }
    const q = await createQueue(sqs, 'proto');
    for (const key of ['__proto__', 'toString']) {
      await expectAwsError(sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'sqs', Endpoint: q.arn, Attributes: literal([[key, 'x']]) })),
        invalid('Invalid parameter: Attributes Reason: AttributeName'));
    }
    const attrs = (await sns.send(new GetTopicAttributesCommand({ TopicArn: topic }))).Attributes!;
    assert.equal(attrs.SubscriptionsConfirmed, '0');
  });

  test('a message attribute named __proto__ reaches functions, envelopes and raw queues', async () => {
    const { topic, plain } = await fanout();
    const raw = await fanout(true);
    const attrs = literal<MessageAttributeValue>([['__proto__', { DataType: 'String', StringValue: 'p' }], ['constructor', { DataType: 'Number', StringValue: '7' }]]);
    await sns.send(new PublishCommand({ TopicArn: topic, Message: 'm', MessageAttributes: attrs }));
    const [envelope] = await receive(sqs, plain.url, 1);
    const body = JSON.parse(envelope!.Body!);
    assert.deepEqual(Object.keys(body.MessageAttributes).sort(), ['__proto__', 'constructor']);
    assert.deepEqual(body.MessageAttributes.__proto__, { Type: 'String', Value: 'p' });
    await sns.send(new PublishCommand({ TopicArn: raw.topic, Message: 'm', MessageAttributes: attrs }));
    // Read through the query protocol: the SDK's own map reader would drop a `__proto__` key on the client side.
    const got = await sqsQuery(srv.url, 'ReceiveMessage', { QueueUrl: raw.plain.url, 'MessageAttributeName.1': 'All', WaitTimeSeconds: 5 });
    assert.equal(got.status, 200);
    assert.match(got.text, /<Name>__proto__<\/Name><Value><StringValue>p<\/StringValue><DataType>String<\/DataType><\/Value>|<Name>__proto__<\/Name><Value><DataType>String<\/DataType><StringValue>p<\/StringValue><\/Value>/);
    assert.match(got.text, /<Name>constructor<\/Name>/);
  });

  test('a tag key __proto__ is kept', async () => {
    const name = uniqueName('tags');
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name, Tags: [{ Key: '__proto__', Value: 'a' }, { Key: 'constructor', Value: 'b' }] }));
    const tags = (await sns.send(new ListTagsForResourceCommand({ ResourceArn: TopicArn }))).Tags ?? [];
    assert.deepEqual(tags.map((t) => `${t.Key}=${t.Value}`).sort(), ['__proto__=a', 'constructor=b']);
    // The same request again is the same topic; a different value for the key is a conflict.
    await sns.send(new CreateTopicCommand({ Name: name, Tags: [{ Key: '__proto__', Value: 'a' }] }));
    await expectAwsError(sns.send(new CreateTopicCommand({ Name: name, Tags: [{ Key: '__proto__', Value: 'z' }] })),
      invalid('Invalid parameter: Tags Reason: Topic already exists with different tags'));
  });
});

describe('CreateTopic tags', () => {
  test('more than 50 tags, or an aws: key, are refused and no topic is made', async () => {
    const name = uniqueName('tags');
    const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await expectAwsError(sns.send(new CreateTopicCommand({ Name: name, Tags: many })),
      { name: 'TagLimitExceededException', status: 400, message: 'Could not complete request: tag quota of per resource exceeded' });
    await expectAwsError(sns.send(new CreateTopicCommand({ Name: name, Tags: [{ Key: 'aws:team', Value: 'v' }] })),
      invalid("Invalid parameter: Tags Reason: Keys starting with 'aws:' are reserved for AWS use"));
    const topics = (await sns.send(new ListTopicsCommand({}))).Topics ?? [];
    assert.ok(!topics.some((t) => t.TopicArn!.endsWith(`:${name}`)));
    await sns.send(new CreateTopicCommand({ Name: name, Tags: many.slice(0, 50) }));
  });
});

describe('query input numbering', () => {
  const errorOf = (text: string) => ({ code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1], message: /<Message>([^<]*)<\/Message>/.exec(text)?.[1]?.replace(/&apos;/g, "'") });

  test('a name or key given twice, or an unreadable index, is refused and nothing is delivered', async () => {
    const { topic, plain } = await fanout(true);
    const attr = (n: string, name: string, value: string): [string, string][] => [
      [`MessageAttributes.entry.${n}.Name`, name], [`MessageAttributes.entry.${n}.Value.DataType`, 'String'], [`MessageAttributes.entry.${n}.Value.StringValue`, value],
    ];
    const twice = await snsQuery(srv.url, 'Publish', [['TopicArn', topic], ['Message', 'm'], ...attr('1', 'a', 'x'), ...attr('2', 'a', 'y')]);
    assert.equal(twice.status, 400);
    assert.deepEqual(errorOf(twice.text), { code: 'ParameterValueInvalid', message: "The message attribute 'a' is given more than once." });
    for (const index of ['0', '01', 'x', '100000']) {
      const r = await snsQuery(srv.url, 'Publish', [['TopicArn', topic], ['Message', 'm'], ...attr(index, 'a', 'x')]);
      assert.equal(r.status, 400, index);
      assert.deepEqual(errorOf(r.text), {
        code: 'InvalidParameter',
        message: `Invalid parameter: MessageAttributes Reason: MessageAttributes.entry.${index}.Name does not have a valid index (1 to 99999)`,
      });
    }
    const tags = await snsQuery(srv.url, 'CreateTopic', [['Name', uniqueName('t')], ['Tags.member.1.Key', 'k'], ['Tags.member.1.Value', 'a'], ['Tags.member.2.Key', 'k'], ['Tags.member.2.Value', 'b']]);
    assert.deepEqual(errorOf(tags.text), { code: 'InvalidParameter', message: 'Invalid parameter: Tags Reason: the tag key k is given more than once' });
    const keys = await snsQuery(srv.url, 'CreateTopic', [['Name', uniqueName('t')], ['Attributes.entry.1.key', 'DisplayName'], ['Attributes.entry.1.value', 'a'], ['Attributes.entry.2.key', 'DisplayName'], ['Attributes.entry.2.value', 'b']]);
    assert.deepEqual(errorOf(keys.text), { code: 'InvalidParameter', message: 'Invalid parameter: Attributes Reason: the key DisplayName is given more than once' });
    assert.equal(await queueDepth(sqs, plain.url), 0);
    // Gaps in the numbering are fine: members keep the order of their indexes.
    const gaps = await snsQuery(srv.url, 'Publish', [['TopicArn', topic], ['Message', 'gaps'], ...attr('7', 'b', '2'), ...attr('3', 'a', '1')]);
    assert.equal(gaps.status, 200);
    const [m] = await receive(sqs, plain.url, 1);
    assert.equal(m!.Body, 'gaps');
  });
});

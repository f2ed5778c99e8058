// The SNS API through the real SDK v3 client (other-services.md §2): every operation lambkin serves, AWS's error
// codes, statuses and messages, paging, idempotency, and that a refused request changes nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  CreateTopicCommand, DeleteTopicCommand, GetSubscriptionAttributesCommand, GetTopicAttributesCommand, ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand, ListTagsForResourceCommand, ListTopicsCommand, TagResourceCommand, UntagResourceCommand, PublishBatchCommand, PublishCommand, SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand, SubscribeCommand, UnsubscribeCommand, type SNSClient,
} from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { ACCOUNT, createQueue, fnArn, queueDepth } from '../helpers/async.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { startServer, tempDir, uniqueName } from '../helpers/server.js';
import { snsClient, topicArn } from '../helpers/sns.js';
import { sqsClient } from '../helpers/sqs.js';

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

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

async function newTopic(prefix = 'topic', client = sns): Promise<{ name: string; arn: string }> {
  const name = uniqueName(prefix);
  const { TopicArn } = await client.send(new CreateTopicCommand({ Name: name }));
  return { name, arn: TopicArn! };
}

async function subscriptionsOf(arn: string) {
  return (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn }))).Subscriptions ?? [];
}

const invalid = (message: string | RegExp) => ({ name: 'InvalidParameterException', status: 400, message });
const notFound = (message: string) => ({ name: 'NotFoundException', status: 404, message });

describe('topics', () => {
  test('CreateTopic: the ARN, idempotent for the same name, attributes and tags kept', async () => {
    const name = uniqueName('t');
    const first = await sns.send(new CreateTopicCommand({ Name: name, Attributes: { DisplayName: 'Orders' }, Tags: [{ Key: 'team', Value: 'a' }] }));
    assert.equal(first.$metadata.httpStatusCode, 200);
    assert.equal(first.TopicArn, topicArn(name));
    const again = await sns.send(new CreateTopicCommand({ Name: name, Attributes: { DisplayName: 'Orders' } }));
    assert.equal(again.TopicArn, first.TopicArn);
    assert.equal((await sns.send(new CreateTopicCommand({ Name: name }))).TopicArn, first.TopicArn);
    const attrs = (await sns.send(new GetTopicAttributesCommand({ TopicArn: first.TopicArn }))).Attributes!;
    assert.equal(attrs.DisplayName, 'Orders');
  });

  test('CreateTopic refusals: bad names, FIFO, different attributes or tags, unknown attributes; nothing is created', async () => {
    const before = (await sns.send(new ListTopicsCommand({}))).Topics?.length ?? 0;
    for (const Name of ['has space', 'dot.name', 'x'.repeat(257), '']) {
      await expectAwsError(sns.send(new CreateTopicCommand({ Name })), invalid('Invalid parameter: Topic Name'));
    }
    await expectAwsError(sns.send(new CreateTopicCommand({ Name: uniqueName('f') + '.fifo', Attributes: { FifoTopic: 'true' } })),
      invalid(/^Invalid parameter: Topic Name Reason: .*FIFO topics are not supported$/));
    await expectAwsError(sns.send(new CreateTopicCommand({ Name: uniqueName('t'), Attributes: { Colour: 'red' } })),
      invalid('Invalid parameter: Attributes Reason: AttributeName'));
    await expectAwsError(sns.send(new CreateTopicCommand({ Name: uniqueName('t'), Attributes: { Policy: 'not json' } })),
      invalid('Invalid parameter: Attributes Reason: Policy: failed to parse JSON.'));
    const t = uniqueName('t');
    await sns.send(new CreateTopicCommand({ Name: t, Attributes: { DisplayName: 'one' }, Tags: [{ Key: 'k', Value: 'v' }] }));
    await expectAwsError(sns.send(new CreateTopicCommand({ Name: t, Attributes: { DisplayName: 'two' } })),
      invalid('Invalid parameter: Attributes Reason: Topic already exists with different attributes'));
    await expectAwsError(sns.send(new CreateTopicCommand({ Name: t, Tags: [{ Key: 'k', Value: 'other' }] })),
      invalid('Invalid parameter: Tags Reason: Topic already exists with different tags'));
    const after = (await sns.send(new ListTopicsCommand({}))).Topics?.length ?? 0;
    assert.equal(after, before + 1, 'only the one valid topic was created');
  });

  test('GetTopicAttributes: AWS\'s members; SetTopicAttributes changes DisplayName; bad names and values refused', async () => {
    const t = await newTopic();
    const a = (await sns.send(new GetTopicAttributesCommand({ TopicArn: t.arn }))).Attributes!;
    assert.equal(a.TopicArn, t.arn);
    assert.equal(a.Owner, ACCOUNT);
    assert.equal(a.DisplayName, '');
    assert.equal(a.SubscriptionsConfirmed, '0');
    assert.equal(a.SubscriptionsPending, '0');
    assert.equal(a.SubscriptionsDeleted, '0');
    const policy = JSON.parse(a.Policy!);
    assert.equal(policy.Statement[0].Resource, t.arn);
    assert.ok(JSON.parse(a.EffectiveDeliveryPolicy!).http);
    await sns.send(new SetTopicAttributesCommand({ TopicArn: t.arn, AttributeName: 'DisplayName', AttributeValue: 'Shown' }));
    assert.equal((await sns.send(new GetTopicAttributesCommand({ TopicArn: t.arn }))).Attributes!.DisplayName, 'Shown');
    await expectAwsError(sns.send(new SetTopicAttributesCommand({ TopicArn: t.arn, AttributeName: 'Nope', AttributeValue: 'x' })),
      invalid('Invalid parameter: AttributeName'));
    await expectAwsError(sns.send(new SetTopicAttributesCommand({ TopicArn: t.arn, AttributeName: 'SignatureVersion', AttributeValue: '3' })),
      invalid('Invalid parameter: SignatureVersion'));
    await expectAwsError(sns.send(new SetTopicAttributesCommand({ TopicArn: `${t.arn}-gone`, AttributeName: 'DisplayName', AttributeValue: 'x' })),
      notFound('Topic does not exist'));
    assert.equal((await sns.send(new GetTopicAttributesCommand({ TopicArn: t.arn }))).Attributes!.DisplayName, 'Shown');
    await expectAwsError(sns.send(new GetTopicAttributesCommand({ TopicArn: `${t.arn}-gone` })), notFound('Topic does not exist'));
    await expectAwsError(sns.send(new GetTopicAttributesCommand({ TopicArn: 'orders' })),
      invalid('Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1'));
    await expectAwsError(sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn(t.name, 'eu-west-1') })), invalid('Invalid parameter: TopicArn'));
  });

  test('ListTopics pages by 100 with NextToken; a bad token is refused', async () => {
    const regional = snsClient(srv.url, 'eu-west-3');
    try {
      const names = Array.from({ length: 205 }, (_, i) => `page-${String(i).padStart(3, '0')}`);
      for (const Name of names) await regional.send(new CreateTopicCommand({ Name }));
      const pages: number[] = [];
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await regional.send(new ListTopicsCommand({ NextToken: token }));
        pages.push(page.Topics!.length);
        seen.push(...page.Topics!.map((t) => t.TopicArn!));
        token = page.NextToken;
      } while (token);
      assert.deepEqual(pages, [100, 100, 5]);
      assert.deepEqual(seen.sort(), names.map((n) => topicArn(n, 'eu-west-3')).sort());
      assert.ok(!seen.some((a) => a.includes(':us-east-1:')), 'only the region addressed');
      await expectAwsError(regional.send(new ListTopicsCommand({ NextToken: 'garbage!' })), invalid('Invalid parameter: NextToken'));
    } finally {
      regional.destroy();
    }
  });

  test('tags: CreateTopic\'s, TagResource adds and replaces, UntagResource removes; a missing topic is ResourceNotFound', async () => {
    const name = uniqueName('tagged');
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name, Tags: [{ Key: 'team', Value: 'a' }] }));
    const tags = async () => Object.fromEntries(((await sns.send(new ListTagsForResourceCommand({ ResourceArn: TopicArn }))).Tags ?? []).map((t) => [t.Key, t.Value]));
    assert.deepEqual(await tags(), { team: 'a' });
    await sns.send(new TagResourceCommand({ ResourceArn: TopicArn, Tags: [{ Key: 'team', Value: 'b' }, { Key: 'env', Value: 'dev' }] }));
    assert.deepEqual(await tags(), { team: 'b', env: 'dev' });
    await sns.send(new UntagResourceCommand({ ResourceArn: TopicArn, TagKeys: ['team', 'absent'] }));
    assert.deepEqual(await tags(), { env: 'dev' });
    const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await expectAwsError(sns.send(new TagResourceCommand({ ResourceArn: TopicArn, Tags: many })),
      { name: 'TagLimitExceededException', status: 400, message: 'Could not complete request: tag quota of per resource exceeded' });
    assert.deepEqual(await tags(), { env: 'dev' });
    await expectAwsError(sns.send(new ListTagsForResourceCommand({ ResourceArn: `${TopicArn}-gone` })),
      { name: 'ResourceNotFoundException', status: 404, message: 'Resource does not exist' });
  });

  test('DeleteTopic removes the topic and its subscriptions; deleting a missing topic is not an error', async () => {
    const t = await newTopic();
    const q = await createQueue(sqs, 'sub');
    const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn: t.arn, Protocol: 'sqs', Endpoint: q.arn }));
    const del = await sns.send(new DeleteTopicCommand({ TopicArn: t.arn }));
    assert.equal(del.$metadata.httpStatusCode, 200);
    await expectAwsError(sns.send(new GetTopicAttributesCommand({ TopicArn: t.arn })), notFound('Topic does not exist'));
    await expectAwsError(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })), notFound('Subscription does not exist'));
    const all = (await sns.send(new ListSubscriptionsCommand({}))).Subscriptions ?? [];
    assert.ok(!all.some((s) => s.SubscriptionArn === SubscriptionArn));
    assert.ok(!((await sns.send(new ListTopicsCommand({}))).Topics ?? []).some((x) => x.TopicArn === t.arn));
    await sns.send(new DeleteTopicCommand({ TopicArn: t.arn }));
    await expectAwsError(sns.send(new PublishCommand({ TopicArn: t.arn, Message: 'x' })), notFound('Topic does not exist'));
  });
});

describe('subscriptions', () => {
  test('Subscribe lambda and sqs: ARNs under the topic, listed, idempotent for the same endpoint', async () => {
    const t = await newTopic();
    const q = await createQueue(sqs, 'sub');
    const fn = fnArn('some-function');
    const s1 = await sns.send(new SubscribeCommand({ TopicArn: t.arn, Protocol: 'lambda', Endpoint: fn }));
    const s2 = await sns.send(new SubscribeCommand({ TopicArn: t.arn, Protocol: 'sqs', Endpoint: q.arn, ReturnSubscriptionArn: true }));
    assert.match(s1.SubscriptionArn!, new RegExp(`^${t.arn}:${UUID}$`));
    assert.match(s2.SubscriptionArn!, new RegExp(`^${t.arn}:${UUID}$`));
    assert.equal((await sns.send(new SubscribeCommand({ TopicArn: t.arn, Protocol: 'lambda', Endpoint: fn }))).SubscriptionArn, s1.SubscriptionArn);
    const listed = await subscriptionsOf(t.arn);
    assert.deepEqual(
      listed.map((s) => ({ ...s })).sort((a, b) => a.Protocol!.localeCompare(b.Protocol!)),
      [
        { SubscriptionArn: s1.SubscriptionArn, Owner: ACCOUNT, Protocol: 'lambda', Endpoint: fn, TopicArn: t.arn },
        { SubscriptionArn: s2.SubscriptionArn, Owner: ACCOUNT, Protocol: 'sqs', Endpoint: q.arn, TopicArn: t.arn },
      ],
    );
    const all = (await sns.send(new ListSubscriptionsCommand({}))).Subscriptions!.map((s) => s.SubscriptionArn);
    assert.ok(all.includes(s1.SubscriptionArn) && all.includes(s2.SubscriptionArn));
    assert.equal((await sns.send(new GetTopicAttributesCommand({ TopicArn: t.arn }))).Attributes!.SubscriptionsConfirmed, '2');
  });

  test('Subscribe refusals with AWS\'s texts; nothing is subscribed', async () => {
    const t = await newTopic();
    const q = await createQueue(sqs, 'sub');
    const sub = (Protocol: string, Endpoint?: string, Attributes?: Record<string, string>, TopicArn = t.arn) =>
      sns.send(new SubscribeCommand({ TopicArn, Protocol, Endpoint, Attributes }));
    await expectAwsError(sub('carrier-pigeon', 'x'), invalid('Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon'));
    await expectAwsError(sub('https', 'https://example.com/hook'), invalid(/^Invalid parameter: Protocol Reason: .*not https$/));
    await expectAwsError(sub('lambda', 'my-function'), invalid('Invalid parameter: Lambda endpoint ARN'));
    await expectAwsError(sub('lambda', 'arn:aws:sqs:us-east-1:000000000000:q'), invalid('Invalid parameter: Lambda endpoint ARN'));
    await expectAwsError(sub('sqs', 'http://localhost/000000000000/q'), invalid('Invalid parameter: SQS endpoint ARN'));
    await expectAwsError(sub('sqs'), invalid('Invalid parameter: SQS endpoint ARN'));
    await expectAwsError(sub('sqs', `${q.arn}.fifo`),
      invalid('Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics'));
    await expectAwsError(sub('sqs', q.arn, { FilterPolicy: '{"a": "not-an-array"}' }), invalid(/^Invalid parameter: Attributes Reason: FilterPolicy: /));
    await expectAwsError(sub('sqs', q.arn, { FilterPolicy: '{"a": {"b": ["c"]}}' }),
      invalid('Invalid parameter: Attributes Reason: FilterPolicy: Filter policy scope MessageAttributes does not support nested filter policy'));
    await expectAwsError(sub('sqs', q.arn, { FilterPolicyScope: 'Body' }),
      invalid('Invalid parameter: Attributes Reason: FilterPolicyScope: Invalid value [Body]. Please use either MessageBody or MessageAttributes'));
    await expectAwsError(sub('sqs', q.arn, { RawMessageDelivery: 'yes' }),
      invalid('Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [yes]. Must be true or false.'));
    await expectAwsError(sub('sqs', q.arn, { Colour: 'red' }), invalid('Invalid parameter: Attributes Reason: AttributeName'));
    await expectAwsError(sub('sqs', q.arn, {}, `${t.arn}-gone`), notFound('Topic does not exist'));
    assert.deepEqual(await subscriptionsOf(t.arn), []);
    // An existing subscription with other attributes is refused, not changed.
    const { SubscriptionArn } = await sub('sqs', q.arn, { RawMessageDelivery: 'true' });
    await expectAwsError(sub('sqs', q.arn, { RawMessageDelivery: 'false' }),
      invalid('Invalid parameter: Attributes Reason: Subscription already exists with different attributes'));
    assert.equal((await sub('sqs', q.arn, { RawMessageDelivery: 'true' })).SubscriptionArn, SubscriptionArn);
    assert.equal((await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!.RawMessageDelivery, 'true');
  });

  test('Get/SetSubscriptionAttributes: defaults, FilterPolicy and its scope, RawMessageDelivery; refusals change nothing', async () => {
    const t = await newTopic();
    const q = await createQueue(sqs, 'sub');
    const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn: t.arn, Protocol: 'sqs', Endpoint: q.arn }));
    const get = async () => (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!;
    const set = (AttributeName: string, AttributeValue: string) =>
      sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName, AttributeValue }));
    assert.deepEqual(await get(), {
      ConfirmationWasAuthenticated: 'true', PendingConfirmation: 'false', TopicArn: t.arn, Owner: ACCOUNT, RawMessageDelivery: 'false',
      SubscriptionArn, Protocol: 'sqs', Endpoint: q.arn, SubscriptionPrincipal: `arn:aws:iam::${ACCOUNT}:root`,
    });
    const policy = JSON.stringify({ colour: ['red'] });
    await set('FilterPolicy', policy);
    await set('RawMessageDelivery', 'True');
    let a = await get();
    assert.equal(a.FilterPolicy, policy);
    assert.equal(a.FilterPolicyScope, 'MessageAttributes');
    assert.equal(a.RawMessageDelivery, 'true');
    await expectAwsError(set('FilterPolicy', '{"order": {"kind": ["big"]}}'),
      invalid('Invalid parameter: FilterPolicy: Filter policy scope MessageAttributes does not support nested filter policy'));
    await set('FilterPolicyScope', 'MessageBody');
    assert.equal((await get()).FilterPolicyScope, 'MessageBody');
    await set('FilterPolicy', '{"order": {"kind": ["big"]}}');
    await expectAwsError(set('FilterPolicyScope', 'MessageAttributes'),
      invalid('Invalid parameter: FilterPolicy: Filter policy scope MessageAttributes does not support nested filter policy'));
    const before = await get();
    await expectAwsError(set('FilterPolicy', '{"colour": "red"}'), invalid(/^Invalid parameter: FilterPolicy: /));
    await expectAwsError(set('FilterPolicy', 'not json'), invalid(/^Invalid parameter: FilterPolicy: /));
    await expectAwsError(set('FilterPolicyScope', 'Everything'),
      invalid('Invalid parameter: FilterPolicyScope: Invalid value [Everything]. Please use either MessageBody or MessageAttributes'));
    await expectAwsError(set('RawMessageDelivery', 'maybe'), invalid('Invalid parameter: RawMessageDelivery: Invalid value [maybe]. Must be true or false.'));
    await expectAwsError(set('Protocol', 'lambda'), invalid('Invalid parameter: AttributeName'));
    assert.deepEqual(await get(), before);
    await expectAwsError(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: `${t.arn}:00000000-0000-0000-0000-000000000000` })),
      notFound('Subscription does not exist'));
    await expectAwsError(sns.send(new SetSubscriptionAttributesCommand({
      SubscriptionArn: `${t.arn}:00000000-0000-0000-0000-000000000000`, AttributeName: 'RawMessageDelivery', AttributeValue: 'true',
    })), notFound('Subscription does not exist'));
    // A lambda subscription cannot take raw delivery.
    const l = await sns.send(new SubscribeCommand({ TopicArn: t.arn, Protocol: 'lambda', Endpoint: fnArn('f') }));
    await expectAwsError(sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: l.SubscriptionArn, AttributeName: 'RawMessageDelivery', AttributeValue: 'true' })),
      invalid('Invalid parameter: RawMessageDelivery: Invalid value [true]. Must be false.'));
  });

  test('Unsubscribe removes the subscription; again is not an error; a malformed ARN is refused', async () => {
    const t = await newTopic();
    const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn: t.arn, Protocol: 'lambda', Endpoint: fnArn('f') }));
    assert.equal((await sns.send(new UnsubscribeCommand({ SubscriptionArn }))).$metadata.httpStatusCode, 200);
    assert.deepEqual(await subscriptionsOf(t.arn), []);
    await expectAwsError(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })), notFound('Subscription does not exist'));
    await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
    await expectAwsError(sns.send(new UnsubscribeCommand({ SubscriptionArn: 'nope' })),
      invalid('Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 1'));
    await expectAwsError(sns.send(new UnsubscribeCommand({ SubscriptionArn: t.arn })), invalid('Invalid parameter: SubscriptionId'));
  });

  test('ListSubscriptions and ListSubscriptionsByTopic page by 100', async () => {
    const regional = snsClient(srv.url, 'eu-north-1');
    try {
      const t = await newTopic('paged', regional);
      const arns: string[] = [];
      for (let i = 0; i < 105; i++) {
        const endpoint = `arn:aws:lambda:eu-north-1:${ACCOUNT}:function:f-${i}`;
        arns.push((await regional.send(new SubscribeCommand({ TopicArn: t.arn, Protocol: 'lambda', Endpoint: endpoint }))).SubscriptionArn!);
      }
      for (const list of [
        (NextToken?: string) => regional.send(new ListSubscriptionsCommand({ NextToken })),
        (NextToken?: string) => regional.send(new ListSubscriptionsByTopicCommand({ TopicArn: t.arn, NextToken })),
      ]) {
        const first = await list();
        assert.equal(first.Subscriptions!.length, 100);
        assert.ok(first.NextToken);
        const second = await list(first.NextToken);
        assert.equal(second.Subscriptions!.length, 5);
        assert.equal(second.NextToken, undefined);
        assert.deepEqual([...first.Subscriptions!, ...second.Subscriptions!].map((s) => s.SubscriptionArn).sort(), [...arns].sort());
      }
    } finally {
      regional.destroy();
    }
  });
});

describe('Publish and PublishBatch validation', () => {
  test('refusals with AWS\'s codes and texts; a refused publish delivers nothing', async () => {
    const t = await newTopic();
    const q = await createQueue(sqs, 'sink');
    await sns.send(new SubscribeCommand({ TopicArn: t.arn, Protocol: 'sqs', Endpoint: q.arn }));
    const pub = (input: Record<string, unknown>) => sns.send(new PublishCommand({ TopicArn: t.arn, Message: 'm', ...input } as never));
    const paramInvalid = (message: string) => ({ name: 'InvalidParameterValueException', status: 400, message });
    await expectAwsError(sns.send(new PublishCommand({ Message: 'm' })), invalid('Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter'));
    await expectAwsError(pub({ TopicArn: `${t.arn}-gone` }), notFound('Topic does not exist'));
    await expectAwsError(pub({ Message: '' }), invalid('Invalid parameter: Empty message'));
    await expectAwsError(pub({ Subject: 'line\nbreak' }), invalid('Invalid parameter: Subject'));
    await expectAwsError(pub({ Subject: 's'.repeat(100) }), invalid('Invalid parameter: Subject'));
    await expectAwsError(pub({ Subject: ' leading space' }), invalid('Invalid parameter: Subject'));
    await expectAwsError(pub({ Subject: 'naïve' }), invalid('Invalid parameter: Subject'));
    await expectAwsError(pub({ Message: 'x'.repeat(262_145) }), invalid('Invalid parameter: Message too long'));
    await expectAwsError(pub({ Message: 'x'.repeat(262_100), MessageAttributes: { big: { DataType: 'String', StringValue: 'y'.repeat(100) } } }),
      invalid('Invalid parameter: Message too long'));
    await expectAwsError(pub({ MessageStructure: 'json', Message: 'not json' }), invalid('Invalid parameter: Message Structure - JSON message body failed to parse'));
    await expectAwsError(pub({ MessageStructure: 'json', Message: '{"sqs":"only"}' }), invalid('Invalid parameter: Message Structure - No default entry in JSON message body'));
    await expectAwsError(pub({ MessageAttributes: { a: { DataType: 'Date', StringValue: 'x' } } }),
      paramInvalid("The message attribute 'a' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."));
    await expectAwsError(pub({ MessageAttributes: { a: { DataType: 'String', StringValue: '' } } }),
      paramInvalid("The message attribute 'a' must contain non-empty message attribute value for message attribute type 'String'."));
    await expectAwsError(pub({ MessageAttributes: { a: { DataType: 'Binary', StringValue: 'x' } } }),
      paramInvalid("The message attribute 'a' with type 'Binary' must use field 'Binary'."));
    await expectAwsError(pub({ MessageAttributes: { n: { DataType: 'Number', StringValue: 'twelve' } } }),
      paramInvalid("Could not cast message attribute 'n' value to number."));
    await expectAwsError(pub({ MessageAttributes: { 'a..b': { DataType: 'String', StringValue: 'x' } } }),
      paramInvalid("Message attribute name can not have successive '.' character."));
    await expectAwsError(pub({ MessageAttributes: { 'a b': { DataType: 'String', StringValue: 'x' } } }),
      paramInvalid("Invalid non-alphanumeric character '#x20' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots."));
    await expectAwsError(pub({ MessageAttributes: { l: { DataType: 'String.Array', StringValue: 'not an array' } } }),
      { name: 'InvalidParameterValueException', status: 400 });
    await expectAwsError(pub({ MessageDeduplicationId: 'd' }),
      invalid('Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type'));
    assert.equal(await queueDepth(sqs, q.url), 0, 'no refused publish delivered anything');
    await expectAwsError(pub({ TargetArn: t.arn }), invalid('Invalid parameter: TopicArn or TargetArn Reason: Only one of TopicArn or TargetArn may be specified'));
    await expectAwsError(pub({ TopicArn: undefined, PhoneNumber: '+15555550100' }), invalid(/^Invalid parameter: PhoneNumber Reason: /));
    assert.equal(await queueDepth(sqs, q.url), 0, 'no refused publish delivered anything');
    const ok = await pub({ Subject: 'fine', MessageAttributes: { n: { DataType: 'Number', StringValue: '-1.5e3' } } });
    assert.match(ok.MessageId!, new RegExp(`^${UUID}$`));
    assert.equal(await queueDepth(sqs, q.url), 1);
    // TargetArn names a topic as well as TopicArn does.
    await pub({ TopicArn: undefined, TargetArn: t.arn });
    assert.equal(await queueDepth(sqs, q.url), 2);
  });

  test('PublishBatch: batch errors fail the request, entry errors are listed per entry, the rest is published', async () => {
    const t = await newTopic();
    const q = await createQueue(sqs, 'sink');
    await sns.send(new SubscribeCommand({ TopicArn: t.arn, Protocol: 'sqs', Endpoint: q.arn }));
    const batch = (entries: { Id: string; Message: string; Subject?: string }[], TopicArn = t.arn) =>
      sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: entries }));
    const entry = (i: number) => ({ Id: `e${i}`, Message: `m${i}` });
    await expectAwsError(batch([]), { name: 'EmptyBatchRequestException', status: 400, message: "The batch request doesn't contain any entries." });
    await expectAwsError(batch(Array.from({ length: 11 }, (_, i) => entry(i))),
      { name: 'TooManyEntriesInBatchRequestException', status: 400, message: 'The batch request contains more entries than permissible.' });
    await expectAwsError(batch([entry(1), entry(1)]),
      { name: 'BatchEntryIdsNotDistinctException', status: 400, message: 'Two or more batch entries in the request have the same Id.' });
    await expectAwsError(batch([{ Id: 'bad id', Message: 'm' }]),
      { name: 'InvalidBatchEntryIdException', status: 400, message: 'The Id of a batch entry in the batch request contains an impermissible character: bad id' });
    await expectAwsError(batch([{ Id: 'x'.repeat(81), Message: 'm' }]), { name: 'InvalidBatchEntryIdException', status: 400 });
    await expectAwsError(batch([{ Id: 'a', Message: 'x'.repeat(140_000) }, { Id: 'b', Message: 'y'.repeat(140_000) }]),
      { name: 'BatchRequestTooLongException', status: 400, message: 'The length of all the messages put together is more than the limit.' });
    await expectAwsError(batch([entry(1)], `${t.arn}-gone`), notFound('Topic does not exist'));
    assert.equal(await queueDepth(sqs, q.url), 0);
    const out = await batch([entry(1), { Id: 'empty', Message: '' }, { Id: 'subj', Message: 'm', Subject: 'a\nb' }, entry(2)]);
    assert.deepEqual(out.Successful!.map((s) => s.Id), ['e1', 'e2']);
    for (const s of out.Successful!) assert.match(s.MessageId!, new RegExp(`^${UUID}$`));
    assert.deepEqual(out.Failed, [
      { Id: 'empty', Code: 'InvalidParameter', Message: 'Invalid parameter: Empty message', SenderFault: true },
      { Id: 'subj', Code: 'InvalidParameter', Message: 'Invalid parameter: Subject', SenderFault: true },
    ]);
    assert.equal(await queueDepth(sqs, q.url), 2);
  });

  test('an unknown action is refused', async () => {
    const res = await fetch(srv.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=00',
      },
      body: 'Action=ConfirmEverything&Version=2010-03-31',
    });
    assert.equal(res.status, 400);
    const text = await res.text();
    assert.match(text, /<ErrorResponse xmlns="http:\/\/sns\.amazonaws\.com\/doc\/2010-03-31\/"><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code>/);
  });
});

describe('persistence', () => {
  test('topics, attributes and subscriptions survive a restart', async () => {
    const t = await newTopic('keep');
    await sns.send(new SetTopicAttributesCommand({ TopicArn: t.arn, AttributeName: 'DisplayName', AttributeValue: 'Kept' }));
    const q = await createQueue(sqs, 'keep');
    const policy = JSON.stringify({ kind: ['a'] });
    const { SubscriptionArn } = await sns.send(new SubscribeCommand({
      TopicArn: t.arn, Protocol: 'sqs', Endpoint: q.arn, Attributes: { FilterPolicy: policy, RawMessageDelivery: 'true' },
    }));
    const gone = await newTopic('gone');
    await sns.send(new DeleteTopicCommand({ TopicArn: gone.arn }));
    sns.destroy();
    sqs.destroy();
    await srv.close();
    srv = await startServer({ spareRuntimes: 0, dataDir });
    sns = snsClient(srv.url);
    sqs = sqsClient(srv.url);
    assert.equal((await sns.send(new GetTopicAttributesCommand({ TopicArn: t.arn }))).Attributes!.DisplayName, 'Kept');
    await expectAwsError(sns.send(new GetTopicAttributesCommand({ TopicArn: gone.arn })), notFound('Topic does not exist'));
    const a = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!;
    assert.equal(a.FilterPolicy, policy);
    assert.equal(a.RawMessageDelivery, 'true');
    // The filter policy is live again after the restart: a non-matching message is not delivered, a matching one is.
    await sns.send(new PublishCommand({ TopicArn: t.arn, Message: 'no', MessageAttributes: { kind: { DataType: 'String', StringValue: 'b' } } }));
    await sns.send(new PublishCommand({ TopicArn: t.arn, Message: 'yes', MessageAttributes: { kind: { DataType: 'String', StringValue: 'a' } } }));
    assert.equal(await queueDepth(sqs, q.url), 1);
  });
});

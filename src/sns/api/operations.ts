import type { XmlElement } from '../../gateway/protocols/query.js';
import type { ApiRequest } from '../../gateway/request.js';
import type { SnsSubscriptionRecord } from '../../store/store.js';
import { isAwsError } from '../../core/errors.js';
import { missingParameter, invalidParameter, snsError } from '../errors.js';
import { MAX_MESSAGE_BYTES, prepareMessage, type PreparedMessage } from '../engine/message-input.js';
import type { SnsEngine, SnsScope } from '../engine/sns-engine.js';
import { batchEntries, publishInput, stringList, stringMap, tagList, type Params } from './query-input.js';

/** What an SNS operation works with. */
export interface SnsContext {
  api: ApiRequest;
  engine: SnsEngine;
  params: Params;
  /** The caller's account and the region it addressed (from the SigV4 scope). */
  scope: SnsScope;
}

/** The operation's `<{Op}Result>` content; undefined for operations without output. */
export type SnsHandler = (ctx: SnsContext) => Promise<XmlElement | undefined>;

/** A required member; the error names it as AWS's validation does (lowerCamelCase). */
function required(params: Params, name: string): string {
  const v = params.get(name);
  if (v === undefined) throw missingParameter(name[0]!.toLowerCase() + name.slice(1));
  return v;
}

const optional = (params: Params, name: string): string | undefined => {
  const v = params.get(name);
  return v === undefined || v === '' ? undefined : v;
};

const xmlMap = (map: Record<string, string>): XmlElement => ({ entry: Object.entries(map).map(([key, value]) => ({ key, value })) });

function xmlSubscriptions(page: { items: SnsSubscriptionRecord[]; next?: string }): XmlElement {
  const out: XmlElement = {
    Subscriptions: {
      member: page.items.map((s) => ({ SubscriptionArn: s.arn, Owner: s.owner, Protocol: s.protocol, Endpoint: s.endpoint, TopicArn: s.topicArn })),
    },
  };
  if (page.next) out.NextToken = page.next;
  return out;
}

const createTopic: SnsHandler = async ({ engine, params, scope }) => {
  const arn = await engine.createTopic(scope, required(params, 'Name'), stringMap(params, 'Attributes'), tagList(params));
  return { TopicArn: arn };
};

const deleteTopic: SnsHandler = async ({ engine, params, scope }) => {
  await engine.deleteTopic(scope, required(params, 'TopicArn'));
  return undefined;
};

const listTopics: SnsHandler = async ({ engine, params, scope }) => {
  const page = engine.listTopics(scope, optional(params, 'NextToken'));
  const out: XmlElement = { Topics: { member: page.items.map((arn) => ({ TopicArn: arn })) } };
  if (page.next) out.NextToken = page.next;
  return out;
};

const getTopicAttributes: SnsHandler = async ({ engine, params, scope }) =>
  ({ Attributes: xmlMap(engine.getTopicAttributes(scope, required(params, 'TopicArn'))) });

const setTopicAttributes: SnsHandler = async ({ engine, params, scope }) => {
  const arn = required(params, 'TopicArn');
  await engine.setTopicAttribute(scope, arn, required(params, 'AttributeName'), params.get('AttributeValue') ?? '');
  return undefined;
};

const subscribe: SnsHandler = async ({ engine, params, scope }) => {
  const topicArn = required(params, 'TopicArn');
  const protocol = required(params, 'Protocol');
  const arn = await engine.subscribe(scope, topicArn, protocol, optional(params, 'Endpoint'), stringMap(params, 'Attributes'));
  return { SubscriptionArn: arn };
};

const unsubscribe: SnsHandler = async ({ engine, params }) => {
  await engine.unsubscribe(required(params, 'SubscriptionArn'));
  return undefined;
};

const listSubscriptions: SnsHandler = async ({ engine, params, scope }) =>
  xmlSubscriptions(engine.listSubscriptions(scope, optional(params, 'NextToken')));

const listSubscriptionsByTopic: SnsHandler = async ({ engine, params, scope }) =>
  xmlSubscriptions(engine.listSubscriptionsByTopic(scope, required(params, 'TopicArn'), optional(params, 'NextToken')));

const getSubscriptionAttributes: SnsHandler = async ({ engine, params }) =>
  ({ Attributes: xmlMap(engine.getSubscriptionAttributes(required(params, 'SubscriptionArn'))) });

const setSubscriptionAttributes: SnsHandler = async ({ engine, params }) => {
  const arn = required(params, 'SubscriptionArn');
  await engine.setSubscriptionAttribute(arn, required(params, 'AttributeName'), params.get('AttributeValue') ?? '');
  return undefined;
};

/** Publish to a topic by TopicArn or TargetArn; phone numbers and platform endpoints are not served. */
function publishTarget(params: Params): string {
  const topicArn = optional(params, 'TopicArn');
  const targetArn = optional(params, 'TargetArn');
  if (topicArn !== undefined && targetArn !== undefined) {
    throw invalidParameter('TopicArn or TargetArn Reason: Only one of TopicArn or TargetArn may be specified');
  }
  const arn = topicArn ?? targetArn;
  if (arn !== undefined) {
    if (arn.includes(':endpoint/')) throw invalidParameter('TargetArn Reason: No endpoint found for the target arn specified');
    return arn;
  }
  if (optional(params, 'PhoneNumber') !== undefined) throw invalidParameter('PhoneNumber Reason: lambkin does not send SMS');
  throw invalidParameter('TopicArn or TargetArn Reason: no value for required parameter');
}

const publish: SnsHandler = async ({ api, engine, params, scope }) => {
  const topicArn = publishTarget(params);
  const prepared = prepareMessage(publishInput(params));
  const [messageId] = await engine.publish(scope, topicArn, [prepared], api.origin);
  return { MessageId: messageId! };
};

const MAX_BATCH_ENTRIES = 10;
const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]+$/;

/**
 * PublishBatch (SNS API reference): errors of the batch as a whole fail the request; an entry that fails its own
 * checks is listed in `Failed` and the others are published.
 */
const publishBatch: SnsHandler = async ({ api, engine, params, scope }) => {
  const topicArn = required(params, 'TopicArn');
  const entries = batchEntries(params) ?? [];
  if (entries.length === 0) throw snsError('EmptyBatchRequest', "The batch request doesn't contain any entries.");
  if (entries.length > MAX_BATCH_ENTRIES) throw snsError('TooManyEntriesInBatchRequest', 'The batch request contains more entries than permissible.');
  engine.checkTopic(scope, topicArn);
  entries.forEach((e, i) => {
    if (e.Id === undefined) throw missingParameter(`publishBatchRequestEntries.${i + 1}.member.id`);
  });
  const ids = entries.map((e) => e.Id!);
  if (new Set(ids).size !== ids.length) throw snsError('BatchEntryIdsNotDistinct', 'Two or more batch entries in the request have the same Id.');
  for (const id of ids) {
    if (id.length > 80) throw snsError('InvalidBatchEntryId', `The Id of a batch entry in the batch request is too long: ${id}`);
    if (!BATCH_ENTRY_ID.test(id)) throw snsError('InvalidBatchEntryId', `The Id of a batch entry in the batch request contains an impermissible character: ${id}`);
  }
  const accepted: { id: string; prepared: PreparedMessage }[] = [];
  const failed: XmlElement[] = [];
  let bytes = 0;
  entries.forEach((entry, i) => {
    try {
      const prepared = prepareMessage(entry, `publishBatchRequestEntries.${i + 1}.member.`);
      bytes += prepared.bytes;
      accepted.push({ id: entry.Id!, prepared });
    } catch (err) {
      if (!isAwsError(err)) throw err;
      bytes += Buffer.byteLength(entry.Message ?? '');
      failed.push({ Id: entry.Id!, Code: err.code, Message: err.message, SenderFault: 'true' });
    }
  });
  if (bytes > MAX_MESSAGE_BYTES) throw snsError('BatchRequestTooLong', 'The length of all the messages put together is more than the limit.');
  const messageIds = accepted.length ? await engine.publish(scope, topicArn, accepted.map((a) => a.prepared), api.origin) : [];
  return {
    Successful: { member: accepted.map((a, i) => ({ Id: a.id, MessageId: messageIds[i]! })) },
    Failed: { member: failed },
  };
};

const listTagsForResource: SnsHandler = async ({ engine, params, scope }) => {
  const tags = engine.listTags(scope, required(params, 'ResourceArn'));
  return { Tags: { member: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) } };
};

const tagResource: SnsHandler = async ({ engine, params, scope }) => {
  await engine.tagResource(scope, required(params, 'ResourceArn'), tagList(params));
  return {};
};

const untagResource: SnsHandler = async ({ engine, params, scope }) => {
  await engine.untagResource(scope, required(params, 'ResourceArn'), stringList(params, 'TagKeys'));
  return {};
};

/** The SNS operations lambkin serves, by their model names. */
export const OPERATIONS: Readonly<Record<string, SnsHandler>> = {
  CreateTopic: createTopic,
  DeleteTopic: deleteTopic,
  ListTopics: listTopics,
  GetTopicAttributes: getTopicAttributes,
  SetTopicAttributes: setTopicAttributes,
  Subscribe: subscribe,
  Unsubscribe: unsubscribe,
  ListSubscriptions: listSubscriptions,
  ListSubscriptionsByTopic: listSubscriptionsByTopic,
  GetSubscriptionAttributes: getSubscriptionAttributes,
  SetSubscriptionAttributes: setSubscriptionAttributes,
  Publish: publish,
  PublishBatch: publishBatch,
  ListTagsForResource: listTagsForResource,
  TagResource: tagResource,
  UntagResource: untagResource,
};

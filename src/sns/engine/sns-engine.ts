import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { parseFunctionName } from '../../core/arn.js';
import type { Clock } from '../../core/clock.js';
import type { EventPattern } from '../../core/event-pattern.js';
import type { PushInvocations } from '../../lambda/push/push-invocations.js';
import type { SendInput } from '../../sqs/engine/message.js';
import type { QueueService } from '../../sqs/engine/queue-service.js';
import type { SnsSubscriptionRecord, SnsTopicRecord, Store } from '../../store/store.js';
import { invalidParameter, snsError, subscriptionNotFound, topicNotFound } from '../errors.js';
import { parseSubscriptionArn, parseTopicArn, topicArnOf } from './arns.js';
import {
  checkPolicyScope, checkSubscriptionAttribute, checkTopicAttribute, filterPolicy, subscriptionAttributes, topicAttributes, type FilterScope,
} from './attributes.js';
import type { PreparedMessage } from './message-input.js';
import { passesFilter, snsLambdaEvent, type SnsAttribute, type SnsMessage } from './notification.js';
import { sqsDelivery } from './sqs-delivery.js';

export interface SnsScope {
  account: string;
  region: string;
}

export interface SnsEngineDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  push: Pick<PushInvocations, 'push'>;
  queues: QueueService;
}

interface Topic {
  record: SnsTopicRecord;
  /** Subscription ARNs, in the order they were made. */
  subscriptions: Set<string>;
}

interface Subscription {
  record: SnsSubscriptionRecord;
  filter?: EventPattern;
  scope: FilterScope;
  raw: boolean;
}

export interface Page<T> {
  items: T[];
  next?: string;
}

/** ListTopics, ListSubscriptions and ListSubscriptionsByTopic answer at most 100 per page (SNS API reference). */
export const PAGE_SIZE = 100;

/** The protocols lambkin delivers to, and the others SNS knows (refused with their own wording). */
const SERVED_PROTOCOLS = new Set(['lambda', 'sqs']);
const SNS_PROTOCOLS = new Set(['http', 'https', 'email', 'email-json', 'sms', 'sqs', 'application', 'lambda', 'firehose']);
const MAX_TAGS = 50;
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const SQS_ARN = /^arn:aws[a-zA-Z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/;

/** SenderId of the messages SNS puts into subscribed queues. */
const SNS_SENDER_ID = 'sns.amazonaws.com';

/**
 * SNS topics and subscriptions (other-services.md §2), cached in memory and written through to the Store, and
 * Publish's fan-out: every delivery is durably accepted (the function's async event, the queue's message) before
 * Publish answers, so an acknowledged message reaches its subscribers even if lambkin is killed right after.
 */
export class SnsEngine {
  private readonly topics = new Map<string, Topic>();
  private readonly subscriptions = new Map<string, Subscription>();

  private constructor(private readonly deps: SnsEngineDeps) {}

  static async open(deps: SnsEngineDeps): Promise<SnsEngine> {
    const engine = new SnsEngine(deps);
    for (const record of await deps.store.sns.topics()) engine.topics.set(record.arn, { record, subscriptions: new Set() });
    const subs = (await deps.store.sns.subscriptions()).sort((a, b) => a.createdMs - b.createdMs);
    for (const record of subs) {
      const topic = engine.topics.get(record.topicArn);
      if (!topic) continue;
      engine.subscriptions.set(record.arn, live(record));
      topic.subscriptions.add(record.arn);
    }
    return engine;
  }

  // ---- topics ----

  /** Idempotent: an existing name answers its ARN, unless the attributes or tags given differ from the topic's. */
  async createTopic(scope: SnsScope, name: string, attributes: Record<string, string>, tags: Record<string, string>): Promise<string> {
    if (name.endsWith('.fifo') || attributes.FifoTopic === 'true') {
      throw invalidParameter('Topic Name Reason: lambkin serves standard topics only; FIFO topics are not supported');
    }
    if (!TOPIC_NAME.test(name)) throw invalidParameter('Topic Name');
    for (const [k, v] of Object.entries(attributes)) checkTopicAttribute(k, v, 'Attributes Reason: ');
    checkTags(tags);
    const arn = topicArnOf({ ...scope, name });
    const existing = this.topics.get(arn);
    if (existing) {
      if (Object.entries(attributes).some(([k, v]) => k !== 'FifoTopic' && ownValue(existing.record.attributes, k) !== v)) {
        throw invalidParameter('Attributes Reason: Topic already exists with different attributes');
      }
      if (Object.entries(tags).some(([k, v]) => ownValue(existing.record.tags, k) !== v)) {
        throw invalidParameter('Tags Reason: Topic already exists with different tags');
      }
      return arn;
    }
    const stored = Object.fromEntries(Object.entries(attributes).filter(([k]) => k !== 'FifoTopic'));
    const record: SnsTopicRecord = { arn, ...scope, name, attributes: stored, tags, createdMs: this.deps.clock.now() };
    this.topics.set(arn, { record, subscriptions: new Set() });
    await this.write(() => this.deps.store.sns.putTopic(record), () => this.topics.delete(arn));
    return arn;
  }

  /** Deleting a topic that does not exist is not an error (SNS API reference, DeleteTopic); its subscriptions go with it. */
  async deleteTopic(scope: SnsScope, arn: string): Promise<void> {
    this.checkRegion(scope, parseTopicArn(arn), 'TopicArn');
    const topic = this.topics.get(arn);
    if (!topic) return;
    this.topics.delete(arn);
    for (const s of topic.subscriptions) this.subscriptions.delete(s);
    await this.deps.store.sns.deleteTopic(arn);
  }

  listTopics(scope: SnsScope, nextToken?: string): Page<string> {
    const arns = [...this.topics.values()]
      .filter((t) => t.record.account === scope.account && t.record.region === scope.region)
      .map((t) => t.record.arn);
    return page(arns.sort(), nextToken, (arn) => arn);
  }

  getTopicAttributes(scope: SnsScope, arn: string): Record<string, string> {
    const topic = this.topic(scope, arn);
    return topicAttributes(topic.record, topic.subscriptions.size);
  }

  async setTopicAttribute(scope: SnsScope, arn: string, name: string, value: string): Promise<void> {
    const topic = this.topic(scope, arn);
    checkTopicAttribute(name, value);
    await this.putTopic(topic, { ...topic.record, attributes: { ...topic.record.attributes, [name]: value } });
  }

  // ---- tags ----

  listTags(scope: SnsScope, arn: string): Record<string, string> {
    return { ...this.taggable(scope, arn).record.tags };
  }

  /** Adds or replaces tags; a topic holds at most 50 (SNS DG "Amazon SNS tags"). */
  async tagResource(scope: SnsScope, arn: string, tags: Record<string, string>): Promise<void> {
    const topic = this.taggable(scope, arn);
    checkTags(tags);
    const next = { ...topic.record.tags, ...tags };
    if (Object.keys(next).length > MAX_TAGS) throw tagLimitExceeded();
    await this.putTopic(topic, { ...topic.record, tags: next });
  }

  async untagResource(scope: SnsScope, arn: string, keys: readonly string[]): Promise<void> {
    const topic = this.taggable(scope, arn);
    const next = { ...topic.record.tags };
    for (const k of keys) delete next[k];
    await this.putTopic(topic, { ...topic.record, tags: next });
  }

  /** Tagging answers ResourceNotFound rather than NotFound for a topic that does not exist. */
  private taggable(scope: SnsScope, arn: string): Topic {
    this.checkRegion(scope, parseTopicArn(arn, 'ResourceArn'), 'ResourceArn');
    const topic = this.topics.get(arn);
    if (!topic) throw snsError('ResourceNotFound', 'Resource does not exist');
    return topic;
  }

  private async putTopic(topic: Topic, record: SnsTopicRecord): Promise<void> {
    await this.deps.store.sns.putTopic(record);
    topic.record = record;
  }

  // ---- subscriptions ----

  /** Idempotent for the same topic, protocol and endpoint (the existing ARN), unless the attributes given differ. */
  async subscribe(scope: SnsScope, topicArn: string, protocol: string, endpoint: string | undefined, attributes: Record<string, string>): Promise<string> {
    const topic = this.topic(scope, topicArn);
    checkEndpoint(protocol, endpoint);
    const given: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(attributes)) given[k] = checkSubscriptionAttribute(k, v, protocol, 'Attributes Reason: ');
    filterOf(given, 'Attributes Reason: ');
    const existing = [...topic.subscriptions].map((a) => this.subscriptions.get(a)!)
      .find((s) => s.record.protocol === protocol && s.record.endpoint === endpoint);
    if (existing) {
      if (Object.entries(given).some(([k, v]) => (ownValue(existing.record.attributes, k) ?? defaultOf(k)) !== v)) {
        throw invalidParameter('Attributes Reason: Subscription already exists with different attributes');
      }
      return existing.record.arn;
    }
    const record: SnsSubscriptionRecord = {
      arn: `${topicArn}:${randomUUID()}`, topicArn, owner: scope.account, protocol, endpoint: endpoint!, attributes: given,
      createdMs: this.deps.clock.now(),
    };
    const sub = live(record);
    this.subscriptions.set(record.arn, sub);
    topic.subscriptions.add(record.arn);
    await this.write(() => this.deps.store.sns.putSubscription(record), () => {
      this.subscriptions.delete(record.arn);
      topic.subscriptions.delete(record.arn);
    });
    return record.arn;
  }

  /** Unsubscribing from a subscription that is already gone is not an error. */
  async unsubscribe(arn: string): Promise<void> {
    const { topicArn } = parseSubscriptionArn(arn);
    const sub = this.subscriptions.get(arn);
    if (!sub) return;
    this.subscriptions.delete(arn);
    this.topics.get(topicArn)?.subscriptions.delete(arn);
    await this.deps.store.sns.deleteSubscription(arn);
  }

  listSubscriptions(scope: SnsScope, nextToken?: string): Page<SnsSubscriptionRecord> {
    const subs = [...this.subscriptions.values()].map((s) => s.record).filter((r) => {
      const t = this.topics.get(r.topicArn)?.record;
      return r.owner === scope.account && t?.region === scope.region;
    });
    return page(subs.sort((a, b) => cmp(a.arn, b.arn)), nextToken, (s) => s.arn);
  }

  listSubscriptionsByTopic(scope: SnsScope, topicArn: string, nextToken?: string): Page<SnsSubscriptionRecord> {
    const topic = this.topic(scope, topicArn);
    const subs = [...topic.subscriptions].map((a) => this.subscriptions.get(a)!.record);
    return page(subs.sort((a, b) => cmp(a.arn, b.arn)), nextToken, (s) => s.arn);
  }

  getSubscriptionAttributes(arn: string): Record<string, string> {
    return subscriptionAttributes(this.subscription(arn).record);
  }

  async setSubscriptionAttribute(arn: string, name: string, value: string): Promise<void> {
    const sub = this.subscription(arn);
    const stored = checkSubscriptionAttribute(name, value, sub.record.protocol);
    const record: SnsSubscriptionRecord = { ...sub.record, attributes: { ...sub.record.attributes, [name]: stored } };
    const next = live(record, '');
    await this.deps.store.sns.putSubscription(record);
    this.subscriptions.set(arn, next);
  }

  // ---- publishing ----

  /** Checks TopicArn as Publish and PublishBatch do; throws NotFound for a topic that does not exist. */
  checkTopic(scope: SnsScope, arn: string): void {
    this.topic(scope, arn);
  }

  /**
   * Fans each message out to the topic's subscriptions whose filter policy it passes; resolves with the message ids
   * once every delivery is durably accepted. A delivery the target refuses (a function whose policy does not let
   * SNS in, a queue that does not exist) is logged and dropped, as SNS counts a failed delivery, not a failed publish.
   */
  async publish(scope: SnsScope, topicArn: string, messages: readonly PreparedMessage[], endpoint: string): Promise<string[]> {
    const topic = this.topic(scope, topicArn);
    const subs = [...topic.subscriptions].map((a) => this.subscriptions.get(a)!);
    // Everything that can be refused or computed is done before the first delivery starts: a publish either
    // delivers every message it answers for, or fails having delivered nothing.
    const planned: { sub: Subscription; m: SnsMessage; payload: string | SendInput }[] = [];
    const ids = messages.map((prepared) => {
      const messageId = randomUUID();
      const timestampMs = this.deps.clock.now();
      for (const sub of subs) {
        const m: SnsMessage = {
          messageId, topicArn, message: prepared.byProtocol[sub.record.protocol] ?? prepared.message, attributes: prepared.attributes, timestampMs,
        };
        if (prepared.subject !== undefined) m.subject = prepared.subject;
        if (!passesFilter(m, sub.filter, sub.scope)) continue;
        const payload = sub.record.protocol === 'lambda' ? snsLambdaEvent(m, sub.record.arn, endpoint) : sqsDelivery(m, sub.record.arn, endpoint, sub.raw);
        planned.push({ sub, m, payload });
      }
      return messageId;
    });
    await Promise.all(planned.map((p) => this.deliver(topic.record, p.sub, p.m, p.payload)));
    return ids;
  }

  /**
   * Publishes a document Lambda sends (an async invocation's record to an SNS destination, a failed event to an
   * SNS dead-letter topic): the topic is named by its ARN alone; throws NotFound when it does not exist.
   */
  async publishFromLambda(topicArn: string, message: string, attributes: Record<string, SnsAttribute>, endpoint: string): Promise<void> {
    const parts = topicArn.split(':');
    const scope = { account: parts[4] ?? '', region: parts[3] ?? '' };
    let bytes = Buffer.byteLength(message);
    for (const [name, a] of Object.entries(attributes)) bytes += Buffer.byteLength(name) + Buffer.byteLength(a.Type) + Buffer.byteLength(a.Value);
    await this.publish(scope, topicArn, [{ message, byProtocol: {}, attributes, bytes }], endpoint);
  }

  private async deliver(topic: SnsTopicRecord, sub: Subscription, m: SnsMessage, payload: string | SendInput): Promise<void> {
    const r = sub.record;
    if (typeof payload === 'string') {
      await this.deps.push.push({ service: 'sns.amazonaws.com', sourceArn: topic.arn, sourceAccount: topic.account, functionArn: r.endpoint }, payload);
      return;
    }
    const queue = this.deps.queues.queueByArn(r.endpoint);
    if (!queue) {
      this.deps.log.warn({ topic: topic.arn, subscription: r.arn, queue: r.endpoint, messageId: m.messageId }, 'sns delivery dropped: no such queue');
      return;
    }
    let result: unknown;
    try {
      [result] = await this.deps.queues.send(queue, [payload], { senderId: SNS_SENDER_ID, batch: false });
    } catch (err) {
      // A message the queue refuses is a failed delivery (logged), not a failed publish.
      result = err;
    }
    if (result instanceof Error) {
      this.deps.log.warn({ topic: topic.arn, subscription: r.arn, queue: r.endpoint, messageId: m.messageId, err: result.message }, 'sns delivery refused by the queue');
    }
  }

  // ---- lookups ----

  private topic(scope: SnsScope, arn: string): Topic {
    this.checkRegion(scope, parseTopicArn(arn), 'TopicArn');
    const topic = this.topics.get(arn);
    if (!topic) throw topicNotFound();
    return topic;
  }

  private subscription(arn: string): Subscription {
    parseSubscriptionArn(arn);
    const sub = this.subscriptions.get(arn);
    if (!sub) throw subscriptionNotFound();
    return sub;
  }

  /** SNS serves a topic only in its own region. */
  private checkRegion(scope: SnsScope, t: { region: string }, what: string): void {
    if (t.region !== scope.region) throw invalidParameter(what);
  }

  /** Memory was updated first (so concurrent requests see it); a failed write puts it back. */
  private async write(op: () => Promise<void>, undo: () => void): Promise<void> {
    try {
      await op();
    } catch (err) {
      undo();
      throw err;
    }
  }
}

/** A subscription as Publish uses it; `prefix` set: its attributes are new, and the errors are worded with it. */
function live(record: SnsSubscriptionRecord, prefix?: string): Subscription {
  const a = record.attributes;
  const sub: Subscription = { record, scope: scopeOf(a), raw: a.RawMessageDelivery === 'true' };
  const filter = filterOf(a, prefix);
  if (filter) sub.filter = filter;
  return sub;
}

const scopeOf = (a: Record<string, string>): FilterScope => (a.FilterPolicyScope === 'MessageBody' ? 'MessageBody' : 'MessageAttributes');

/** The parsed filter policy, if any; new attributes (`prefix` set) are also checked against their scope. */
function filterOf(a: Record<string, string>, prefix?: string): EventPattern | undefined {
  if (!a.FilterPolicy) return undefined;
  const filter = filterPolicy(a.FilterPolicy, prefix);
  if (prefix !== undefined) checkPolicyScope(filter, scopeOf(a), prefix);
  return filter;
}

const DEFAULTS: Readonly<Record<string, string>> = { RawMessageDelivery: 'false', FilterPolicyScope: 'MessageAttributes' };
const defaultOf = (name: string): string | undefined => ownValue(DEFAULTS, name);

/** A map's own value for `key` (never one inherited from Object.prototype, such as `constructor`). */
const ownValue = (map: Readonly<Record<string, string>>, key: string): string | undefined => (Object.hasOwn(map, key) ? map[key] : undefined);

function checkEndpoint(protocol: string, endpoint: string | undefined): void {
  if (!SNS_PROTOCOLS.has(protocol)) throw invalidParameter(`Amazon SNS does not support this protocol string: ${protocol}`);
  if (!SERVED_PROTOCOLS.has(protocol)) {
    throw invalidParameter(`Protocol Reason: lambkin delivers to lambda and sqs subscriptions only, not ${protocol}`);
  }
  if (protocol === 'lambda') {
    const ref = endpoint === undefined ? undefined : parseFunctionName(endpoint);
    if (!endpoint?.startsWith('arn:') || !ref || ref.account === undefined || ref.region === undefined) throw invalidParameter('Lambda endpoint ARN');
    return;
  }
  if (endpoint === undefined || !SQS_ARN.test(endpoint)) throw invalidParameter('SQS endpoint ARN');
  if (endpoint.endsWith('.fifo')) throw invalidParameter('Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics');
}

/** Tags as CreateTopic and TagResource check them (SNS DG "Amazon SNS tags"): at most 50, `aws:` keys reserved. */
function checkTags(tags: Record<string, string>): void {
  if (Object.keys(tags).length > MAX_TAGS) throw tagLimitExceeded();
  for (const [k, v] of Object.entries(tags)) {
    if (k.toLowerCase().startsWith('aws:')) throw invalidParameter("Tags Reason: Keys starting with 'aws:' are reserved for AWS use");
    if (k.length < 1 || k.length > 128) throw invalidParameter('Tags Reason: Tag keys must be between 1 and 128 characters long');
    if (v.length > 256) throw invalidParameter('Tags Reason: Tag values must be at most 256 characters long');
  }
}

const tagLimitExceeded = () => snsError('TagLimitExceeded', 'Could not complete request: tag quota of per resource exceeded');

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** One page of `items` (sorted by key) after the token's key; the token is the last key shown, base64url-encoded. */
function page<T>(items: T[], nextToken: string | undefined, keyOf: (item: T) => string): Page<T> {
  let start = 0;
  if (nextToken !== undefined && nextToken !== '') {
    const after = decodeToken(nextToken);
    start = items.findIndex((i) => keyOf(i) > after);
    if (start < 0) start = items.length;
  }
  const slice = items.slice(start, start + PAGE_SIZE);
  const out: Page<T> = { items: slice };
  if (start + PAGE_SIZE < items.length) out.next = Buffer.from(keyOf(slice[slice.length - 1]!)).toString('base64url');
  return out;
}

function decodeToken(token: string): string {
  const text = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString() : '';
  if (!text.startsWith('arn:')) throw invalidParameter('NextToken');
  return text;
}

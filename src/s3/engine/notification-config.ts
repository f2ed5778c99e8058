import { randomBytes } from 'node:crypto';
import type { AwsError } from '../../core/errors.js';
import type { NotificationConfigRecord, NotificationTarget } from '../../store/store.js';
import { invalidArgument } from '../errors.js';

/** The `Event` enum of the S3 model (other-services.md §1.3). */
export const S3_EVENT_TYPES: ReadonlySet<string> = new Set([
  's3:ReducedRedundancyLostObject', 's3:ObjectCreated:*', 's3:ObjectCreated:Put', 's3:ObjectCreated:Post',
  's3:ObjectCreated:Copy', 's3:ObjectCreated:CompleteMultipartUpload', 's3:ObjectRemoved:*', 's3:ObjectRemoved:Delete',
  's3:ObjectRemoved:DeleteMarkerCreated', 's3:ObjectRestore:*', 's3:ObjectRestore:Post', 's3:ObjectRestore:Completed',
  's3:ObjectRestore:Delete', 's3:Replication:*', 's3:Replication:OperationFailedReplication',
  's3:Replication:OperationNotTracked', 's3:Replication:OperationMissedThreshold',
  's3:Replication:OperationReplicatedAfterThreshold', 's3:LifecycleExpiration:*', 's3:LifecycleExpiration:Delete',
  's3:LifecycleExpiration:DeleteMarkerCreated', 's3:LifecycleTransition', 's3:IntelligentTiering',
  's3:ObjectTagging:*', 's3:ObjectTagging:Put', 's3:ObjectTagging:Delete', 's3:ObjectAcl:Put',
]);

export const EMPTY_NOTIFICATION: NotificationConfigRecord = Object.freeze({ lambda: [], queue: [], topic: [], eventBridge: false }) as NotificationConfigRecord;

type Kind = 'lambda' | 'queue' | 'topic';
/** Wire names: Lambda configurations are `CloudFunctionConfiguration`/`CloudFunction` (other-services.md §1.3). */
const WIRE: Readonly<Record<Kind, readonly [element: string, arnMember: string]>> = {
  lambda: ['CloudFunctionConfiguration', 'CloudFunction'],
  queue: ['QueueConfiguration', 'Queue'],
  topic: ['TopicConfiguration', 'Topic'],
};

/** Elements that repeat without a wrapper in `NotificationConfiguration`. */
export const NOTIFICATION_LISTS = ['CloudFunctionConfiguration', 'QueueConfiguration', 'TopicConfiguration', 'Event', 'FilterRule'];

const asObject = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
const asText = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The `NotificationConfiguration` payload (already parsed) as lambkin keeps it; AWS's InvalidArgument texts. */
export function parseNotificationConfig(doc: Record<string, unknown>): NotificationConfigRecord {
  const root = asObject(doc.NotificationConfiguration);
  const config: NotificationConfigRecord = { lambda: [], queue: [], topic: [], eventBridge: root.EventBridgeConfiguration !== undefined };
  for (const kind of ['lambda', 'queue', 'topic'] as const) {
    const [element, arnMember] = WIRE[kind];
    for (const raw of (root[element] as unknown[] | undefined) ?? []) config[kind].push(parseTarget(asObject(raw), arnMember));
  }
  checkOverlaps([...config.lambda, ...config.queue, ...config.topic]);
  return config;
}

function parseTarget(raw: Record<string, unknown>, arnMember: string): NotificationTarget {
  const arn = asText(raw[arnMember]);
  if (!arn) throw invalidArgument(`${arnMember} is required for this configuration`, arnMember, '');
  const events = ((raw.Event as unknown[] | undefined) ?? []).map((e) => asText(e) ?? '');
  if (events.length === 0) throw invalidArgument('At least one event must be specified', 'Event', '');
  for (const e of events) {
    if (!S3_EVENT_TYPES.has(e)) throw invalidArgument('The event is not supported for notifications', e, 'null');
  }
  const id = asText(raw.Id) || randomId();
  return { id, arn, events, filterRules: parseFilter(asObject(asObject(raw.Filter).S3Key)) };
}

/** AWS names configurations that came without an Id with a random one. */
const randomId = (): string => randomBytes(24).toString('base64').replace(/[+/=]/g, '').slice(0, 32);

function parseFilter(s3Key: Record<string, unknown>): NotificationTarget['filterRules'] {
  const rules: NotificationTarget['filterRules'] = [];
  for (const raw of (s3Key.FilterRule as unknown[] | undefined) ?? []) {
    const rule = asObject(raw);
    const name = (asText(rule.Name) ?? '').toLowerCase();
    if (name !== 'prefix' && name !== 'suffix') {
      throw invalidArgument('filter rule name must be either prefix or suffix', 'FilterRule.Name', asText(rule.Name) ?? '');
    }
    const wireName = name === 'prefix' ? 'Prefix' : 'Suffix';
    if (rules.some((r) => r.name === wireName)) {
      throw invalidArgument(`Cannot specify more than one ${name} rule in a filter.`, 'FilterRule.Name', name);
    }
    rules.push({ name: wireName, value: asText(rule.Value) ?? '' });
  }
  return rules;
}

const ruleValue = (t: NotificationTarget, name: 'Prefix' | 'Suffix'): string => t.filterRules.find((r) => r.name === name)?.value ?? '';

/** Two event types overlap when one covers the other (`s3:ObjectCreated:*` covers `s3:ObjectCreated:Put`). */
function eventsOverlap(a: string, b: string): boolean {
  const covers = (x: string, y: string) => x === y || (x.endsWith(':*') && y.startsWith(x.slice(0, -1)));
  return covers(a, b) || covers(b, a);
}

/** S3 refuses two configurations that one event could match twice (S3 User Guide "Configuring event notifications"). */
function checkOverlaps(targets: NotificationTarget[]): void {
  for (let i = 0; i < targets.length; i++) {
    for (let j = i + 1; j < targets.length; j++) {
      const a = targets[i]!;
      const b = targets[j]!;
      if (!a.events.some((x) => b.events.some((y) => eventsOverlap(x, y)))) continue;
      const [pa, pb, sa, sb] = [ruleValue(a, 'Prefix'), ruleValue(b, 'Prefix'), ruleValue(a, 'Suffix'), ruleValue(b, 'Suffix')];
      const prefixes = pa.startsWith(pb) || pb.startsWith(pa);
      const suffixes = sa.endsWith(sb) || sb.endsWith(sa);
      if (prefixes && suffixes) {
        throw invalidArgument('Configurations overlap. Configurations on the same bucket cannot share a common event type.', 'Event', a.events.join(','));
      }
    }
  }
}

/** Whether a configuration wants `eventName` (e.g. `ObjectCreated:Put`) for `key`. */
export function targetMatches(t: NotificationTarget, eventName: string, key: string): boolean {
  const full = `s3:${eventName}`;
  if (!t.events.some((e) => e === full || (e.endsWith(':*') && full.startsWith(e.slice(0, -1))))) return false;
  return key.startsWith(ruleValue(t, 'Prefix')) && key.endsWith(ruleValue(t, 'Suffix'));
}

/** The configuration as GetBucketNotificationConfiguration shows it (wire element names). */
export function notificationXmlContent(config: NotificationConfigRecord): Record<string, unknown> {
  const content: Record<string, unknown> = {};
  for (const kind of ['topic', 'queue', 'lambda'] as const) {
    const [element, arnMember] = WIRE[kind];
    if (config[kind].length === 0) continue;
    content[element] = config[kind].map((t) => {
      const out: Record<string, unknown> = { Id: t.id, [arnMember]: t.arn, Event: t.events };
      if (t.filterRules.length) out.Filter = { S3Key: { FilterRule: t.filterRules.map((r) => ({ Name: r.name, Value: r.value })) } };
      return out;
    });
  }
  if (config.eventBridge) content.EventBridgeConfiguration = '';
  return content;
}

/** AWS's refusal of a configuration whose destinations it could not validate (numbered argument pairs). */
export function destinationsRejected(failures: { arn: string; reason: string }[], base: AwsError): AwsError {
  failures.forEach((f, i) => {
    base.extra[`ArgumentName${i + 1}`] = f.arn;
    base.extra[`ArgumentValue${i + 1}`] = f.reason;
  });
  return base;
}

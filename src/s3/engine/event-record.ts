/** What happened to an object, for the event record (event-sources.md §4.1). */
export interface ObjectEvent {
  /** Without the `s3:` prefix, e.g. `ObjectCreated:Put`. */
  eventName: string;
  key: string;
  /** Absent for removals. */
  size?: number;
  etag?: string;
  sequencer: string;
  timeMs: number;
}

/** Who caused it and through which request. */
export interface EventOrigin {
  requestId: string;
  hostId: string;
  sourceIp: string;
  principalId: string;
}

export interface EventBucket {
  name: string;
  region: string;
  ownerId: string;
}

const KEEP = /[A-Za-z0-9.\-*_/]/;

/**
 * Keys in event records are form-URL-encoded: a space is `+`, bytes outside the unreserved set are `%XX` (upper
 * case), `/` stays (event-sources.md §4.1; S3 User Guide "Event message structure").
 */
export function encodeEventKey(key: string): string {
  let out = '';
  for (const ch of key) {
    if (ch === ' ') out += '+';
    else if (KEEP.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** One notification as S3 sends it to Lambda: `{"Records":[...]}` with one record. */
export function s3EventPayload(bucket: EventBucket, configurationId: string, event: ObjectEvent, origin: EventOrigin): string {
  const object: Record<string, unknown> = { key: encodeEventKey(event.key) };
  if (event.size !== undefined) object.size = event.size;
  if (event.etag !== undefined) object.eTag = event.etag;
  object.sequencer = event.sequencer;
  const record = {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: bucket.region,
    eventTime: new Date(event.timeMs).toISOString(),
    eventName: event.eventName,
    userIdentity: { principalId: origin.principalId },
    requestParameters: { sourceIPAddress: origin.sourceIp },
    responseElements: { 'x-amz-request-id': origin.requestId, 'x-amz-id-2': origin.hostId },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId,
      bucket: { name: bucket.name, ownerIdentity: { principalId: bucket.ownerId }, arn: `arn:aws:s3:::${bucket.name}` },
      object,
    },
  };
  return JSON.stringify({ Records: [record] });
}

/**
 * Sequencers order the events of a bucket: hex, compared after left-padding. lambkin uses the time in ms shifted
 * left 20 bits plus a counter, so they keep growing across restarts as long as the clock does.
 */
export class Sequencers {
  private readonly last = new Map<string, bigint>();

  next(bucket: string, nowMs: number): string {
    const fromClock = BigInt(nowMs) << 20n;
    const previous = this.last.get(bucket) ?? 0n;
    const value = fromClock > previous ? fromClock : previous + 1n;
    this.last.set(bucket, value);
    return value.toString(16).toUpperCase().padStart(18, '0');
  }
}

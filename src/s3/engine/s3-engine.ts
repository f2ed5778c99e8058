import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { AwsError } from '../../core/errors.js';
import type { Push, PushOutcome } from '../../lambda/push/push-invocations.js';
import type { QueueService } from '../../sqs/engine/queue-service.js';
import type { BucketRecord, NotificationConfigRecord, ObjectRecord, PartRecord, S3Store, UploadRecord } from '../../store/store.js';
import { noSuchBucket, noSuchKey, noSuchUpload, s3Error } from '../errors.js';
import { s3EventPayload, Sequencers, type EventOrigin, type ObjectEvent } from './event-record.js';
import { destinationsRejected, EMPTY_NOTIFICATION, targetMatches } from './notification-config.js';
import { ObjectFiles, type WrittenFile } from './object-files.js';

/** S3's smallest part, except the last (S3 User Guide "Multipart upload limits"). */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PARTS = 10_000;

export interface S3EngineDeps {
  store: S3Store;
  dataDir: string;
  clock: Clock;
  log: Logger;
  push: { check(push: Push): PushOutcome; push(push: Push, payload: string): Promise<PushOutcome> };
  /** Queue targets that name a lambkin queue get the event as a message. */
  queues?: Pick<QueueService, 'queueByArn' | 'send'>;
}

/** What an object carries besides its bytes, as given by PutObject, CopyObject (REPLACE) or CreateMultipartUpload. */
export interface ObjectAttributes {
  contentType: string;
  metadata: Record<string, string>;
  headers: Record<string, string>;
}

export interface ListInput {
  prefix: string;
  delimiter: string;
  /** Where to resume: the first key (inclusive or not) to look at. */
  from: { key: string; inclusive: boolean };
  maxKeys: number;
}

export type ListEntry = { object: ObjectRecord } | { commonPrefix: string };

export interface ListOutput {
  entries: ListEntry[];
  truncated: boolean;
  /** Where the next page starts, when truncated. */
  next?: { key: string; inclusive: boolean };
}

/** The canonical user id S3 shows for an account (64 hex characters). */
export const canonicalId = (account: string): string => createHash('sha256').update(`lambkin:${account}`).digest('hex');

/** The smallest key greater than every key that starts with `prefix`. */
function prefixSuccessor(prefix: string): string {
  const chars = [...prefix];
  const last = chars.pop()!;
  return chars.join('') + String.fromCodePoint(last.codePointAt(0)! + 1);
}

const PAGE = 1000;

/**
 * One holder at a time per multipart upload: completion, abort and a part's commit take turns, so a completion never
 * reads a part file that an abort, a bucket deletion or a part overwrite removes meanwhile.
 */
class UploadLocks {
  private readonly tails = new Map<string, { bucket: string; tail: Promise<void> }>();

  async run<T>(uploadId: string, bucket: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(uploadId)?.tail ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = prev.then(() => mine);
    this.tails.set(uploadId, { bucket, tail });
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(uploadId)?.tail === tail) this.tails.delete(uploadId);
    }
  }

  /** The holds (and waits) on uploads of `bucket`; none when it is idle. */
  held(bucket: string): Promise<void>[] {
    return [...this.tails.values()].filter((t) => t.bucket === bucket).map((t) => t.tail);
  }
}

/**
 * S3 semantics over the store and the object files: buckets (cached), objects, multipart uploads and event
 * notifications. Bytes reach their final place before the record that names them commits; the events of a change
 * are accepted (durably) before the change is acknowledged.
 */
export class S3Engine {
  private readonly buckets = new Map<string, BucketRecord>();
  private readonly sequencers = new Sequencers();
  private readonly uploadLocks = new UploadLocks();
  readonly files: ObjectFiles;

  private constructor(private readonly deps: S3EngineDeps) {
    this.files = new ObjectFiles(deps.dataDir);
  }

  static async open(deps: S3EngineDeps): Promise<S3Engine> {
    const engine = new S3Engine(deps);
    for (const b of await deps.store.buckets()) engine.buckets.set(b.name, b);
    const removed = engine.files.removeLeftovers(await deps.store.fileIds());
    if (removed) deps.log.info({ files: removed }, 's3: removed object files that no record names');
    return engine;
  }

  /** The engine's clock (milliseconds since the epoch). */
  now(): number {
    return this.deps.clock.now();
  }

  // ---- buckets -------------------------------------------------------------------------------------------------

  bucket(name: string): BucketRecord | undefined {
    return this.buckets.get(name);
  }

  requireBucket(name: string): BucketRecord {
    const b = this.buckets.get(name);
    if (!b) throw noSuchBucket(name);
    return b;
  }

  listBuckets(account: string): BucketRecord[] {
    return [...this.buckets.values()].filter((b) => b.account === account).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async createBucket(account: string, name: string, region: string): Promise<BucketRecord> {
    const existing = this.buckets.get(name);
    if (existing) throw s3Error(existing.account === account ? 'BucketAlreadyOwnedByYou' : 'BucketAlreadyExists', { BucketName: name });
    const record: BucketRecord = { name, account, region, createdMs: this.deps.clock.now(), notification: EMPTY_NOTIFICATION };
    this.buckets.set(name, record);
    try {
      await this.deps.store.putBucket(record);
    } catch (err) {
      this.buckets.delete(name);
      throw err;
    }
    return record;
  }

  async deleteBucket(name: string): Promise<void> {
    // Completions and aborts in flight finish first; those that start later find no bucket. (No await between the
    // last look at the locks and the cache removal below.)
    for (let held = this.uploadLocks.held(name); held.length; held = this.uploadLocks.held(name)) {
      this.requireBucket(name);
      await Promise.all(held);
    }
    const bucket = this.requireBucket(name);
    // Out of the cache first (writes check it just before they commit), and the emptiness check and the delete in
    // one transaction: no object can be committed into a bucket that is going.
    this.buckets.delete(name);
    let parts: PartRecord[] | undefined;
    try {
      parts = await this.deps.store.deleteBucket(name);
    } finally {
      if (!parts) this.buckets.set(name, bucket);
    }
    if (!parts) throw s3Error('BucketNotEmpty', { BucketName: name });
    for (const p of parts) this.files.remove(p.fileId);
  }

  /**
   * Replaces the notification configuration. Each function target must let `s3.amazonaws.com` invoke it for this
   * bucket; otherwise nothing changes and S3's InvalidArgument lists the failing destinations.
   */
  async setNotification(name: string, config: NotificationConfigRecord, skipValidation: boolean, origin: EventOrigin): Promise<void> {
    const bucket = this.requireBucket(name);
    checkDestinationRegions(bucket, config);
    if (!skipValidation) this.validateDestinations(bucket, config);
    const updated = { ...bucket, notification: config };
    await this.deps.store.putBucket(updated);
    this.buckets.set(name, updated);
    // S3 tells queue targets that the configuration works with a test event (never sent to functions).
    const test = JSON.stringify({
      Service: 'Amazon S3', Event: 's3:TestEvent', Time: new Date(this.deps.clock.now()).toISOString(), Bucket: name,
      RequestId: origin.requestId, HostId: origin.hostId,
    });
    await Promise.all(config.queue.map((t) => this.sendToQueue(t.arn, test)));
  }

  private validateDestinations(bucket: BucketRecord, config: NotificationConfigRecord): void {
    const failures: { arn: string; reason: string }[] = [];
    for (const t of config.lambda) {
      const outcome = this.deps.push.check(this.pushFor(bucket, t.arn));
      if (outcome !== 'accepted') failures.push({ arn: t.arn, reason: `Not authorized to invoke function [${t.arn}]` });
    }
    for (const t of config.queue) {
      if (this.deps.queues && !this.deps.queues.queueByArn(t.arn)) failures.push({ arn: t.arn, reason: 'The destination queue does not exist' });
      // S3 event notifications do not support FIFO queues as destinations (S3 User Guide, "Event notification destinations").
      else if (t.arn.endsWith('.fifo')) failures.push({ arn: t.arn, reason: 'FIFO queues are not supported as event notification destinations' });
    }
    if (failures.length) {
      throw destinationsRejected(failures, s3Error('InvalidArgument', {}, 'Unable to validate the following destination configurations'));
    }
  }

  private pushFor(bucket: BucketRecord, functionArn: string): Push {
    return { service: 's3.amazonaws.com', sourceArn: `arn:aws:s3:::${bucket.name}`, sourceAccount: bucket.account, functionArn };
  }

  // ---- objects -------------------------------------------------------------------------------------------------

  async getObject(bucket: string, key: string): Promise<ObjectRecord> {
    this.requireBucket(bucket);
    const record = await this.deps.store.getObject(bucket, key);
    if (!record) throw noSuchKey(key);
    return record;
  }

  /**
   * Opens an object's file. An overwrite may remove the file between the record read and the open; the current
   * record is read again then (an open file stays readable after its removal).
   */
  async openObject(bucket: string, key: string): Promise<{ record: ObjectRecord; fh: fs.promises.FileHandle }> {
    for (let attempt = 0; ; attempt++) {
      const record = await this.getObject(bucket, key);
      try {
        return { record, fh: await fs.promises.open(this.files.path(record.fileId), 'r') };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw err;
      }
    }
  }

  /** Publishes a written file as `key` (replacing what was there) and accepts its notifications. */
  async putObject(bucket: string, key: string, file: WrittenFile, attrs: ObjectAttributes, eventName: string, origin: EventOrigin): Promise<ObjectRecord> {
    return this.commitObject(bucket, key, file, attrs, file.md5.toString('hex'), eventName, origin);
  }

  private async commitObject(
    bucket: string, key: string, file: WrittenFile, attrs: ObjectAttributes, etag: string, eventName: string, origin: EventOrigin,
  ): Promise<ObjectRecord> {
    this.requireBucket(bucket);
    await this.files.publish(file);
    const record: ObjectRecord = {
      bucket, key, size: file.size, etag, contentType: attrs.contentType, metadata: attrs.metadata, headers: attrs.headers,
      lastModifiedMs: this.deps.clock.now(), fileId: file.id,
    };
    // No await between the bucket check and the commit: a bucket deleted meanwhile gets no object.
    if (!this.buckets.has(bucket)) {
      this.files.remove(file.id);
      throw noSuchBucket(bucket);
    }
    const replaced = await this.deps.store.putObject(record);
    if (replaced) this.files.remove(replaced.fileId);
    await this.notify(bucket, { eventName, key, size: record.size, etag, sequencer: '', timeMs: record.lastModifiedMs }, origin);
    return record;
  }

  /** Copies bytes into a new file (objects never share files, so a removal never touches another object). */
  async copyObject(
    src: { record: ObjectRecord; fh: fs.promises.FileHandle }, bucket: string, key: string, attrs: ObjectAttributes, origin: EventOrigin,
  ): Promise<ObjectRecord> {
    this.requireBucket(bucket);
    // From the open file: an overwrite of the source during the copy cannot pull it away.
    const file = await this.files.write(src.fh.createReadStream());
    try {
      return await this.commitObject(bucket, key, file, attrs, src.record.etag, 'ObjectCreated:Copy', origin);
    } catch (err) {
      this.files.discard(file);
      throw err;
    }
  }

  /** Removes `key`; resolves whether there was an object (S3 answers 204 either way). */
  async deleteObject(bucket: string, key: string, origin: EventOrigin): Promise<boolean> {
    this.requireBucket(bucket);
    const removed = await this.deps.store.deleteObject(bucket, key);
    if (!removed) return false;
    this.files.remove(removed.fileId);
    await this.notify(bucket, { eventName: 'ObjectRemoved:Delete', key, sequencer: '', timeMs: this.deps.clock.now() }, origin);
    return true;
  }

  /** Keys from `from` that start with `prefix`, with keys sharing a part up to `delimiter` rolled into one prefix. */
  async list(bucket: string, input: ListInput): Promise<ListOutput> {
    this.requireBucket(bucket);
    const entries: ListEntry[] = [];
    let cursor = input.from;
    let exhausted = false;
    while (entries.length < input.maxKeys && !exhausted) {
      const rows = await this.deps.store.listObjects(bucket, cursor.key, cursor.inclusive, PAGE);
      if (rows.length < PAGE) exhausted = true;
      for (const row of rows) {
        if (!row.key.startsWith(input.prefix)) {
          exhausted = true;
          break;
        }
        const at = input.delimiter ? row.key.indexOf(input.delimiter, input.prefix.length) : -1;
        if (at >= 0) {
          const commonPrefix = row.key.slice(0, at + input.delimiter.length);
          entries.push({ commonPrefix });
          cursor = { key: prefixSuccessor(commonPrefix), inclusive: true };
          exhausted = false;
          break;
        }
        entries.push({ object: row });
        cursor = { key: row.key, inclusive: false };
        if (entries.length >= input.maxKeys) break;
      }
    }
    if (input.maxKeys === 0) return { entries, truncated: false };
    const [after] = await this.deps.store.listObjects(bucket, cursor.key, cursor.inclusive, 1);
    const truncated = after !== undefined && after.key.startsWith(input.prefix) && entries.length >= input.maxKeys;
    return truncated ? { entries, truncated, next: cursor } : { entries, truncated };
  }

  /**
   * The whole object in memory: only for Lambda code packages (CreateFunction from S3Bucket/S3Key). A reader in
   * another `region` than the bucket's gets S3's PermanentRedirect.
   */
  async readObject(bucket: string, key: string, maxBytes: number, region?: string): Promise<Buffer> {
    const home = this.requireBucket(bucket).region;
    if (region !== undefined && home !== region) {
      throw s3Error('PermanentRedirect', { Bucket: bucket, Endpoint: `s3.${home}.amazonaws.com` }, `The bucket is in this region: ${home}. Please use this region to retry the request`);
    }
    const { record, fh } = await this.openObject(bucket, key);
    try {
      if (record.size > maxBytes) throw s3Error('EntityTooLarge', { ProposedSize: record.size, MaxSizeAllowed: maxBytes });
      return await fh.readFile();
    } finally {
      await fh.close();
    }
  }

  // ---- multipart uploads ---------------------------------------------------------------------------------------

  async createUpload(bucket: string, key: string, attrs: ObjectAttributes): Promise<UploadRecord> {
    this.requireBucket(bucket);
    const upload: UploadRecord = {
      uploadId: randomBytes(36).toString('base64url'), bucket, key, initiatedMs: this.deps.clock.now(), ...attrs,
    };
    await this.deps.store.putUpload(upload);
    return upload;
  }

  async requireUpload(bucket: string, key: string, uploadId: string): Promise<UploadRecord> {
    this.requireBucket(bucket);
    const upload = await this.deps.store.getUpload(uploadId);
    if (!upload || upload.bucket !== bucket || upload.key !== key) throw noSuchUpload(uploadId);
    return upload;
  }

  async uploadPart(upload: UploadRecord, partNumber: number, file: WrittenFile): Promise<PartRecord> {
    await this.files.publish(file);
    const part: PartRecord = {
      uploadId: upload.uploadId, partNumber, size: file.size, etag: file.md5.toString('hex'), fileId: file.id, lastModifiedMs: this.deps.clock.now(),
    };
    // Under the upload's lock: a completion reading the part this one replaces keeps its file.
    const replaced = await this.uploadLocks.run(upload.uploadId, upload.bucket, () => this.deps.store.putPart(part));
    if (replaced === 'no-upload') {
      this.files.remove(file.id);
      throw noSuchUpload(upload.uploadId);
    }
    if (replaced) this.files.remove(replaced.fileId);
    return part;
  }

  parts(uploadId: string): Promise<PartRecord[]> {
    return this.deps.store.parts(uploadId);
  }

  uploads(bucket: string): Promise<UploadRecord[]> {
    this.requireBucket(bucket);
    return this.deps.store.uploads(bucket);
  }

  /**
   * Joins the listed parts into the object: parts ascending, each uploaded with that ETag, all but the last at
   * least 5 MiB. The ETag is the MD5 of the parts' binary MD5s, then `-<count>` (S3 User Guide "Checking object
   * integrity").
   */
  async completeUpload(upload: UploadRecord, requested: { partNumber: number; etag: string }[], origin: EventOrigin): Promise<ObjectRecord> {
    // One completion, abort or bucket deletion at a time; whoever comes second finds the upload (or bucket) gone.
    return this.uploadLocks.run(upload.uploadId, upload.bucket, async () => {
      this.requireBucket(upload.bucket);
      if (!(await this.deps.store.getUpload(upload.uploadId))) throw noSuchUpload(upload.uploadId);
      return this.completeLocked(upload, requested, origin);
    });
  }

  private async completeLocked(upload: UploadRecord, requested: { partNumber: number; etag: string }[], origin: EventOrigin): Promise<ObjectRecord> {
    const chosen = checkPartList(await this.deps.store.parts(upload.uploadId), requested);
    const md5s = createHash('md5');
    for (const p of chosen) md5s.update(Buffer.from(p.etag, 'hex'));
    const etag = `${md5s.digest('hex')}-${chosen.length}`;
    const file = await this.files.write(this.files.concat(chosen.map((p) => p.fileId)));
    await this.files.publish(file);
    const record: ObjectRecord = {
      bucket: upload.bucket, key: upload.key, size: file.size, etag, contentType: upload.contentType, metadata: upload.metadata,
      headers: upload.headers, lastModifiedMs: this.deps.clock.now(), fileId: file.id,
    };
    if (!this.buckets.has(upload.bucket)) {
      this.files.remove(file.id);
      throw noSuchBucket(upload.bucket);
    }
    const { replaced, parts } = await this.deps.store.completeUpload(upload.uploadId, record);
    if (replaced) this.files.remove(replaced.fileId);
    for (const p of parts) this.files.remove(p.fileId);
    const event: ObjectEvent = { eventName: 'ObjectCreated:CompleteMultipartUpload', key: upload.key, size: record.size, etag, sequencer: '', timeMs: record.lastModifiedMs };
    await this.notify(upload.bucket, event, origin);
    return record;
  }

  async abortUpload(upload: UploadRecord): Promise<void> {
    await this.uploadLocks.run(upload.uploadId, upload.bucket, async () => {
      this.requireBucket(upload.bucket);
      if (!(await this.deps.store.getUpload(upload.uploadId))) throw noSuchUpload(upload.uploadId);
      for (const p of await this.deps.store.deleteUpload(upload.uploadId)) this.files.remove(p.fileId);
    });
  }

  // ---- notifications -------------------------------------------------------------------------------------------

  /**
   * Accepts the event for every matching configuration: function targets through the push gate (durable async
   * invocations; refusals are logged there), queue targets as messages. Resolves once all are durable.
   */
  private async notify(bucketName: string, event: ObjectEvent, origin: EventOrigin): Promise<void> {
    const bucket = this.buckets.get(bucketName);
    if (!bucket) return;
    const { lambda, queue } = bucket.notification;
    const lambdaTargets = lambda.filter((t) => targetMatches(t, event.eventName, event.key));
    const queueTargets = queue.filter((t) => targetMatches(t, event.eventName, event.key));
    if (lambdaTargets.length === 0 && queueTargets.length === 0) return;
    const withSeq = { ...event, sequencer: this.sequencers.next(bucketName, event.timeMs) };
    const eventBucket = { name: bucket.name, region: bucket.region, ownerId: canonicalId(bucket.account) };
    const sends: Promise<unknown>[] = [];
    for (const t of lambdaTargets) {
      sends.push(this.deps.push.push(this.pushFor(bucket, t.arn), s3EventPayload(eventBucket, t.id, withSeq, origin)));
    }
    for (const t of queueTargets) sends.push(this.sendToQueue(t.arn, s3EventPayload(eventBucket, t.id, withSeq, origin)));
    await Promise.all(sends);
  }

  private async sendToQueue(arn: string, body: string): Promise<void> {
    const queue = this.deps.queues?.queueByArn(arn);
    if (!queue) {
      this.deps.log.warn({ queue: arn }, 's3 notification dropped: no such queue');
      return;
    }
    const [result] = await this.deps.queues!.send(queue, [{ body }], { senderId: 's3.amazonaws.com', batch: false });
    if (result instanceof AwsError) this.deps.log.warn({ queue: arn, err: result.message }, 's3 notification to a queue refused');
  }
}

/**
 * Notification destinations live in the bucket's region (S3 User Guide "Event notification destinations"); AWS
 * refuses any other with this InvalidArgument, whether or not destination validation is skipped.
 */
function checkDestinationRegions(bucket: BucketRecord, config: NotificationConfigRecord): void {
  for (const t of [...config.lambda, ...config.queue, ...config.topic]) {
    const region = t.arn.split(':')[3];
    if (region !== undefined && region !== bucket.region) {
      throw s3Error('InvalidArgument', { ArgumentName: t.arn, ArgumentValue: region },
        'The notification destination service region is not valid for the bucket location constraint');
    }
  }
}

/** Validates CompleteMultipartUpload's part list against the uploaded parts; resolves the parts in order. */
function checkPartList(uploaded: PartRecord[], requested: { partNumber: number; etag: string }[]): PartRecord[] {
  if (requested.length === 0) throw s3Error('InvalidRequest', {}, 'You must specify at least one part');
  const byNumber = new Map(uploaded.map((p) => [p.partNumber, p]));
  const chosen: PartRecord[] = [];
  let previous = 0;
  for (const r of requested) {
    if (r.partNumber <= previous) throw s3Error('InvalidPartOrder', { UploadId: uploaded[0]?.uploadId });
    previous = r.partNumber;
    const part = byNumber.get(r.partNumber);
    if (!part || part.etag !== r.etag.replace(/"/g, '')) throw s3Error('InvalidPart', { PartNumber: r.partNumber, ETag: r.etag });
    chosen.push(part);
  }
  chosen.forEach((p, i) => {
    if (i < chosen.length - 1 && p.size < MIN_PART_BYTES) {
      throw s3Error('EntityTooSmall', { ProposedSize: p.size, MinSizeAllowed: MIN_PART_BYTES, PartNumber: p.partNumber, ETag: p.etag });
    }
  });
  return chosen;
}

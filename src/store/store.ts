/**
 * The one contract for durable state. SQLite is the embedded backend; a PostgreSQL backend will implement the same
 * interface, so every method is async and no SQL lives outside src/store/. Records are keyed by account and region.
 */

export interface FunctionKey {
  account: string;
  region: string;
  name: string;
  /** `$LATEST` or a published version number. */
  version: string;
}

/** What lambkin keeps of one function version. Field names follow AWS's FunctionConfiguration where they exist. */
export interface FunctionRecord extends FunctionKey {
  runtime: string;
  role: string;
  handler: string;
  description: string;
  timeoutS: number;
  memoryMb: number;
  environment: Record<string, string>;
  ephemeralStorageMb: number;
  architectures: string[];
  tracingMode: 'Active' | 'PassThrough';
  deadLetterTargetArn?: string;
  logFormat: 'Text' | 'JSON';
  logGroup: string;
  applicationLogLevel?: string;
  systemLogLevel?: string;
  /** Hex SHA-256 of the deployment zip: the content address of the code. */
  codeSha256Hex: string;
  codeSize: number;
  tags: Record<string, string>;
  revisionId: string;
  lastModifiedMs: number;
  state: 'Pending' | 'Active' | 'Inactive' | 'Failed';
  stateReason?: string;
  stateReasonCode?: string;
  lastUpdateStatus: 'Successful' | 'Failed' | 'InProgress';
  lastUpdateStatusReason?: string;
  lastUpdateStatusReasonCode?: string;
}

export interface ListPage<T> {
  items: T[];
  /** Present when more items follow; pass it back as `after`. */
  next?: string;
}

export interface FunctionStore {
  get(key: FunctionKey): Promise<FunctionRecord | undefined>;
  /** Inserts a new record; resolves false (and stores nothing) if the key already exists. */
  insert(record: FunctionRecord): Promise<boolean>;
  /** Replaces an existing record; resolves false if it does not exist or its revision moved on since `expectRevision`. */
  replace(record: FunctionRecord, expectRevision: string): Promise<boolean>;
  /** Deletes every version of a function; resolves the number of records removed. */
  deleteFunction(account: string, region: string, name: string): Promise<number>;
  /** Functions ordered by name then version; `allVersions` false lists only `$LATEST` records. */
  list(account: string, region: string, opts: { after?: string; limit: number; allVersions: boolean }): Promise<ListPage<FunctionRecord>>;
  /** Every record of every account, used to warm caches at start-up. */
  all(): Promise<FunctionRecord[]>;
}

/** An event source mapping (lambda-api.md, event-sources.md §1). Field names follow EventSourceMappingConfiguration. */
export interface EventSourceMappingRecord {
  uuid: string;
  account: string;
  region: string;
  eventSourceArn: string;
  /** As the mapping names it: unqualified or qualified function ARN. */
  functionArn: string;
  enabled: boolean;
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
  /** Pattern texts of FilterCriteria.Filters, in order. */
  filterPatterns?: string[];
  functionResponseTypes: string[];
  maximumConcurrency?: number;
  tags: Record<string, string>;
  state: 'Creating' | 'Enabling' | 'Enabled' | 'Disabling' | 'Disabled' | 'Updating' | 'Deleting';
  stateTransitionReason: string;
  lastModifiedMs: number;
  lastProcessingResult?: string;
}

export interface EventSourceMappingStore {
  /** Inserts or replaces the mapping with this UUID. */
  put(record: EventSourceMappingRecord): Promise<void>;
  delete(uuid: string): Promise<void>;
  /** Every mapping of every account, to fill the in-memory registry at start-up. */
  all(): Promise<EventSourceMappingRecord[]>;
}

/** One SQS queue's settings (event-sources.md §5.5). `id` is the store's own key, used by its messages. */
export interface QueueRecord {
  id: number;
  account: string;
  region: string;
  name: string;
  /** The settable attributes, values as SQS shows them (strings). */
  attributes: Record<string, string>;
  tags: Record<string, string>;
  createdMs: number;
  lastModifiedMs: number;
}

/** A message attribute with binary values as base64, as the store keeps it. */
export interface StoredAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

/** One message: what never changes after the send, then the delivery state that receives change. */
export interface StoredMessage {
  /** Unique across queues and increasing with send order: FIFO order and the store's key. */
  seq: number;
  queueId: number;
  messageId: string;
  body: string;
  sentMs: number;
  senderId: string;
  attributes: Record<string, StoredAttributeValue>;
  traceHeader?: string;
  groupId?: string;
  dedupId?: string;
  sequenceNumber?: string;
  visibleAtMs: number;
  receiveCount: number;
  /** 0 until the first receive. */
  firstReceiveMs: number;
  /** The current receipt's secret part; '' until the first receive. */
  receiptToken: string;
  /** Set once a redrive moved the message into a dead-letter queue. */
  deadLetterSourceArn?: string;
}

/** A FIFO deduplication entry: a repeated id within the window gets the first send's answer. */
export interface DedupRecord {
  queueId: number;
  key: string;
  messageId: string;
  sequenceNumber: string;
  expiresMs: number;
}

/** The delivery state of a message after a receive, a visibility change or a redrive (which changes its queue). */
export type MessageState = Pick<StoredMessage, 'seq' | 'queueId' | 'visibleAtMs' | 'receiveCount' | 'firstReceiveMs' | 'receiptToken' | 'deadLetterSourceArn'>;

/** Queue changes; a batch of them is applied atomically, in order. */
export type QueueChange =
  | { op: 'putQueue'; queue: QueueRecord }
  | { op: 'deleteQueue'; queueId: number }
  | { op: 'insert'; message: StoredMessage }
  | { op: 'update'; state: MessageState }
  | { op: 'delete'; seq: number }
  /** Deletes the queue's messages with seq up to and including `maxSeq`. */
  | { op: 'purge'; queueId: number; maxSeq: number }
  | { op: 'dedup'; entry: DedupRecord }
  | { op: 'expireDedup'; beforeMs: number };

export interface QueueStore {
  queues(): Promise<QueueRecord[]>;
  /** Every message of every queue, in seq order. */
  messages(): Promise<StoredMessage[]>;
  dedups(): Promise<DedupRecord[]>;
  /** Applies the changes in one transaction: all or none, durable when the promise resolves. */
  apply(changes: readonly QueueChange[]): Promise<void>;
}

/** A function's (or version's, or alias's) asynchronous invocation settings (lambda-api.md §5). */
export interface EventInvokeConfigRecord {
  account: string;
  region: string;
  functionName: string;
  /** `$LATEST`, a version or an alias. */
  qualifier: string;
  maximumRetryAttempts?: number;
  maximumEventAgeInSeconds?: number;
  onSuccess?: string;
  onFailure?: string;
  lastModifiedMs: number;
}

export interface EventInvokeConfigStore {
  put(record: EventInvokeConfigRecord): Promise<void>;
  delete(account: string, region: string, functionName: string, qualifier: string): Promise<void>;
  /** Removes every configuration of a function (DeleteFunction). */
  deleteFunction(account: string, region: string, functionName: string): Promise<void>;
  all(): Promise<EventInvokeConfigRecord[]>;
}

/** Reserved concurrency of a function (all its versions together). */
export interface ConcurrencyRecord {
  account: string;
  region: string;
  functionName: string;
  reserved: number;
}

export interface ConcurrencyStore {
  put(record: ConcurrencyRecord): Promise<void>;
  delete(account: string, region: string, functionName: string): Promise<void>;
  all(): Promise<ConcurrencyRecord[]>;
}

/** An accepted asynchronous invocation, until it has run to its end (success, or the failure path). */
export interface AsyncEventRecord {
  /** Increasing with acceptance order: the store's key. */
  seq: number;
  account: string;
  region: string;
  functionName: string;
  /** The qualifier invoked, `$LATEST` when none was given. */
  qualifier: string;
  /** The ARN as the caller named the function. */
  invokedArn: string;
  requestId: string;
  /** The event as received (JSON text). */
  payload: string;
  enqueuedMs: number;
  /** Attempts that ran the function (throttles and system errors do not count). */
  attempts: number;
  /** When the next attempt may start. */
  dueMs: number;
  /** Consecutive throttles or system errors, for the back-off. */
  backoffs: number;
  /** The last attempt's status and error, for the record or DLQ message if the event ends in failure. */
  lastStatus?: number;
  lastError?: string;
}

export type AsyncEventChange =
  | { op: 'insert'; event: AsyncEventRecord }
  | { op: 'update'; event: AsyncEventRecord }
  | { op: 'delete'; seq: number };

export interface AsyncEventStore {
  /** Every event not yet finished, in seq order. */
  all(): Promise<AsyncEventRecord[]>;
  /** Applies the changes in one transaction: all or none, durable when the promise resolves. */
  apply(changes: readonly AsyncEventChange[]): Promise<void>;
}

/** A function's (or a version's or alias's) resource-based policy: the document and its revision. */
export interface PolicyRecord {
  account: string;
  region: string;
  functionName: string;
  /** '' for the function itself (and $LATEST), else the version or alias. */
  qualifier: string;
  revisionId: string;
  statements: PolicyStatement[];
}

/** One IAM policy statement as Lambda writes it (invocation-semantics.md §8.2). */
export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Principal: '*' | { Service?: string; AWS?: string };
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

export interface PolicyStore {
  put(record: PolicyRecord): Promise<void>;
  delete(account: string, region: string, functionName: string, qualifier: string): Promise<void>;
  deleteFunction(account: string, region: string, functionName: string): Promise<void>;
  all(): Promise<PolicyRecord[]>;
}

/** An SNS topic (other-services.md §2). Attributes hold only what was set; defaults are computed on read. */
export interface SnsTopicRecord {
  arn: string;
  account: string;
  region: string;
  name: string;
  attributes: Record<string, string>;
  tags: Record<string, string>;
  createdMs: number;
}

/** A confirmed SNS subscription (lambkin serves the `lambda` and `sqs` protocols, confirmed at once). */
export interface SnsSubscriptionRecord {
  arn: string;
  topicArn: string;
  /** The account that subscribed. */
  owner: string;
  protocol: string;
  endpoint: string;
  /** Settable attributes as given (FilterPolicy, FilterPolicyScope, RawMessageDelivery, ...). */
  attributes: Record<string, string>;
  createdMs: number;
}

export interface SnsStore {
  topics(): Promise<SnsTopicRecord[]>;
  subscriptions(): Promise<SnsSubscriptionRecord[]>;
  putTopic(record: SnsTopicRecord): Promise<void>;
  /** Deletes the topic and every subscription to it, in one transaction. */
  deleteTopic(arn: string): Promise<void>;
  putSubscription(record: SnsSubscriptionRecord): Promise<void>;
  deleteSubscription(arn: string): Promise<void>;
}

/** One target of an EventBridge rule, with the model's member names (other-services.md §3). */
export interface EventTargetRecord {
  Id: string;
  Arn: string;
  RoleArn?: string;
  Input?: string;
  InputPath?: string;
  InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  DeadLetterConfig?: { Arn?: string };
}

/** An EventBridge rule on an event bus, with its targets. */
export interface EventRuleRecord {
  account: string;
  region: string;
  eventBusName: string;
  name: string;
  eventPattern?: string;
  scheduleExpression?: string;
  state: 'ENABLED' | 'DISABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
  description?: string;
  roleArn?: string;
  tags: { Key: string; Value: string }[];
  targets: EventTargetRecord[];
  /**
   * Schedule rules: the time (on the schedule timeline) the rule's schedule counts from, set when the rule is
   * created, its schedule changes or it is enabled. A rate fires at anchor + n * period; nothing fires at or before it.
   */
  scheduleAnchorMs?: number;
  createdMs: number;
  lastModifiedMs: number;
}

/** A stored rule and, for schedule rules, the scheduled time it last fired for. */
export interface StoredEventRule {
  rule: EventRuleRecord;
  lastFireMs?: number;
}

export interface EventsStore {
  /** Inserts or replaces a rule; a rule's last fire time is kept across replacements. */
  putRule(rule: EventRuleRecord): Promise<void>;
  deleteRule(account: string, region: string, eventBusName: string, name: string): Promise<void>;
  /** Records the scheduled time a schedule rule fired for; nothing happens when the rule is gone. */
  noteFired(account: string, region: string, eventBusName: string, name: string, fireMs: number): Promise<void>;
  /** Every rule of every account, to fill the in-memory registry at start-up. */
  all(): Promise<StoredEventRule[]>;
}

/** An API Gateway API (a REST API or an HTTP API) kept whole as one JSON document: routes, integrations, stages. */
export interface ApiRecord {
  kind: 'rest' | 'http';
  /** Unique across accounts: it names the API's invoke host. */
  id: string;
  account: string;
  region: string;
  doc: unknown;
}

export interface ApiStore {
  put(record: ApiRecord): Promise<void>;
  delete(kind: ApiRecord['kind'], id: string): Promise<void>;
  all(): Promise<ApiRecord[]>;
}

/** A function URL (lambda-api.md §5 CreateFunctionUrlConfig): one per function and qualifier. */
export interface FunctionUrlRecord {
  /** The URL's id: 32 lower-case letters and digits, unique across accounts and regions. */
  urlId: string;
  account: string;
  region: string;
  functionName: string;
  /** '' for the unqualified function ($LATEST), else the alias. */
  qualifier: string;
  authType: 'NONE' | 'AWS_IAM';
  cors?: FunctionUrlCors;
  invokeMode: 'BUFFERED' | 'RESPONSE_STREAM';
  creationMs: number;
  lastModifiedMs: number;
}

/** The `Cors` member as the API shows it; unset members are absent. */
export interface FunctionUrlCors {
  AllowCredentials?: boolean;
  AllowHeaders?: string[];
  AllowMethods?: string[];
  AllowOrigins?: string[];
  ExposeHeaders?: string[];
  MaxAge?: number;
}

export interface FunctionUrlStore {
  /** Inserts or replaces the URL of this function and qualifier. */
  put(record: FunctionUrlRecord): Promise<void>;
  delete(account: string, region: string, functionName: string, qualifier: string): Promise<void>;
  deleteFunction(account: string, region: string, functionName: string): Promise<void>;
  all(): Promise<FunctionUrlRecord[]>;
}

/** An S3 notification target (other-services.md §1.3): a function, queue or topic, its events and key filter. */
export interface NotificationTarget {
  id: string;
  arn: string;
  /** As configured, e.g. `s3:ObjectCreated:*`. */
  events: string[];
  /** Filter rules with AWS's names (`Prefix`, `Suffix`), in the order given. */
  filterRules: { name: 'Prefix' | 'Suffix'; value: string }[];
}

export interface NotificationConfigRecord {
  lambda: NotificationTarget[];
  queue: NotificationTarget[];
  topic: NotificationTarget[];
  eventBridge: boolean;
}

/** An S3 bucket. Bucket names are global (as on AWS); the bucket remembers its owner account and region. */
export interface BucketRecord {
  name: string;
  account: string;
  region: string;
  createdMs: number;
  notification: NotificationConfigRecord;
}

/** What S3 keeps of an object; the bytes are in the file `fileId` of the object data directory. */
export interface ObjectRecord {
  bucket: string;
  key: string;
  size: number;
  /** Without quotes: hex MD5, or `<hex>-<parts>` for a multipart object. */
  etag: string;
  contentType: string;
  /** User metadata (`x-amz-meta-*`), names in lower case without the prefix. */
  metadata: Record<string, string>;
  /** Stored representation headers (Content-Encoding, Cache-Control, ...), lower-case names. */
  headers: Record<string, string>;
  lastModifiedMs: number;
  fileId: string;
}

/** A multipart upload in progress, with what the completed object will carry. */
export interface UploadRecord {
  uploadId: string;
  bucket: string;
  key: string;
  initiatedMs: number;
  contentType: string;
  metadata: Record<string, string>;
  headers: Record<string, string>;
}

export interface PartRecord {
  uploadId: string;
  partNumber: number;
  size: number;
  /** Hex MD5 of the part, without quotes. */
  etag: string;
  fileId: string;
  lastModifiedMs: number;
}

/**
 * S3 metadata. Every method is one transaction. Object files are written (and synced) before the record that
 * names them is committed, and removed only after the record that named them is gone, so a record never points at
 * a missing file; files no record names are leftovers that `fileIds` lets the engine remove at start-up.
 */
export interface S3Store {
  buckets(): Promise<BucketRecord[]>;
  /** Inserts or replaces a bucket. */
  putBucket(bucket: BucketRecord): Promise<void>;
  /**
   * Deletes the bucket and its uploads if it holds no object (checked in the same transaction); resolves the part
   * records that went with it, or undefined (and deletes nothing) when objects remain.
   */
  deleteBucket(name: string): Promise<PartRecord[] | undefined>;
  getObject(bucket: string, key: string): Promise<ObjectRecord | undefined>;
  /** Inserts or replaces an object; resolves the record it replaced. */
  putObject(object: ObjectRecord): Promise<ObjectRecord | undefined>;
  /** Resolves the removed record (undefined when there was none). */
  deleteObject(bucket: string, key: string): Promise<ObjectRecord | undefined>;
  /** Objects in key order (UTF-8 bytes) from `from` (inclusive or not), at most `limit`. */
  listObjects(bucket: string, from: string, inclusive: boolean, limit: number): Promise<ObjectRecord[]>;
  getUpload(uploadId: string): Promise<UploadRecord | undefined>;
  putUpload(upload: UploadRecord): Promise<void>;
  /** Uploads of a bucket, by key then initiation. */
  uploads(bucket: string): Promise<UploadRecord[]>;
  /**
   * Inserts or replaces a part while its upload exists (checked in the same transaction): resolves the part it
   * replaced, or 'no-upload' (storing nothing) when the upload has gone.
   */
  putPart(part: PartRecord): Promise<PartRecord | undefined | 'no-upload'>;
  parts(uploadId: string): Promise<PartRecord[]>;
  /** Removes the upload and its parts; resolves the removed parts. */
  deleteUpload(uploadId: string): Promise<PartRecord[]>;
  /** In one transaction: the object in, the upload and its parts out. Resolves the replaced object and the parts. */
  completeUpload(uploadId: string, object: ObjectRecord): Promise<{ replaced?: ObjectRecord; parts: PartRecord[] }>;
  /** Every file id that an object or part record names. */
  fileIds(): Promise<Set<string>>;
}

export interface Store {
  functions: FunctionStore;
  eventSourceMappings: EventSourceMappingStore;
  queues: QueueStore;
  eventInvokeConfigs: EventInvokeConfigStore;
  concurrency: ConcurrencyStore;
  asyncEvents: AsyncEventStore;
  policies: PolicyStore;
  sns: SnsStore;
  events: EventsStore;
  apis: ApiStore;
  functionUrls: FunctionUrlStore;
  s3: S3Store;
  /** A small key/value area for server-level state (secrets, schema facts). */
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  close(): Promise<void>;
}

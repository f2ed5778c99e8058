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

export interface Store {
  functions: FunctionStore;
  eventSourceMappings: EventSourceMappingStore;
  /** A small key/value area for server-level state (secrets, schema facts). */
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  close(): Promise<void>;
}

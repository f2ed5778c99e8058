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

export interface Store {
  functions: FunctionStore;
  /** A small key/value area for server-level state (secrets, schema facts). */
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  close(): Promise<void>;
}

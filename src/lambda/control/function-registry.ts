import { AwsError } from '../../core/errors.js';
import { functionArn } from '../../core/arn.js';
import type { Clock } from '../../core/clock.js';
import { newRevisionId } from '../../core/ids.js';
import type { FunctionRecord, ListPage, Store } from '../../store/store.js';
import type { CodeStore } from './code-store.js';
import type { ConfigInput } from './function-input.js';

export const LATEST = '$LATEST';

export interface Scope {
  account: string;
  region: string;
}

export interface CreateInput extends ConfigInput {
  name: string;
  zip: Buffer;
  tags: Record<string, string>;
}

type Listener = (record: FunctionRecord, change: 'updated' | 'deleted') => void;

const cacheKey = (account: string, region: string, name: string, version: string) => `${account}\0${region}\0${name}\0${version}`;

export function notFound(scope: Scope, name: string, qualifier?: string): AwsError {
  return new AwsError('ResourceNotFoundException', 404, `Function not found: ${functionArn(scope.region, scope.account, name, qualifier)}`, {
    messageKey: 'Message',
  });
}

function updateConflict(r: FunctionRecord): AwsError {
  return new AwsError(
    'ResourceConflictException', 409,
    `The operation cannot be performed at this time. An update is in progress for resource: ${functionArn(r.region, r.account, r.name)}`,
  );
}

export function revisionMismatch(): AwsError {
  return new AwsError('PreconditionFailedException', 412,
    'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
}

/**
 * Function records: the store is the truth, an in-memory copy serves the invoke path without touching disk.
 * Every change goes to the store first and to the cache after the commit.
 */
export class FunctionRegistry {
  private readonly cache = new Map<string, FunctionRecord>();
  private readonly listeners: Listener[] = [];

  constructor(private readonly store: Store, readonly code: CodeStore, private readonly clock: Clock) {}

  async load(): Promise<void> {
    for (const r of await this.store.functions.all()) this.cache.set(cacheKey(r.account, r.region, r.name, r.version), r);
  }

  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** Synchronous and memory-only: used on every invoke. */
  get(scope: Scope, name: string, version: string = LATEST): FunctionRecord | undefined {
    return this.cache.get(cacheKey(scope.account, scope.region, name, version));
  }

  require(scope: Scope, name: string, version: string = LATEST): FunctionRecord {
    const r = this.get(scope, name, version);
    if (!r) throw notFound(scope, name, version === LATEST ? undefined : version);
    return r;
  }

  async create(scope: Scope, input: CreateInput): Promise<FunctionRecord> {
    if (this.get(scope, input.name)) throw conflictExists(input.name);
    const code = await this.code.put(input.zip);
    const now = this.clock.now();
    const record: FunctionRecord = {
      ...scope,
      name: input.name,
      version: LATEST,
      runtime: input.Runtime!,
      role: input.Role!,
      handler: input.Handler!,
      description: input.Description ?? '',
      timeoutS: input.Timeout ?? 3,
      memoryMb: input.MemorySize ?? 128,
      environment: input.Environment?.Variables ?? {},
      ephemeralStorageMb: input.EphemeralStorage?.Size ?? 512,
      architectures: ['x86_64'],
      tracingMode: (input.TracingConfig?.Mode as 'Active' | 'PassThrough' | undefined) ?? 'PassThrough',
      logFormat: (input.LoggingConfig?.LogFormat as 'Text' | 'JSON' | undefined) ?? 'Text',
      logGroup: input.LoggingConfig?.LogGroup ?? `/aws/lambda/${input.name}`,
      codeSha256Hex: code.sha256Hex,
      codeSize: code.size,
      tags: input.tags,
      revisionId: newRevisionId(),
      lastModifiedMs: now,
      // The package is unpacked and checked before we answer, so the function is ready at once.
      state: 'Active',
      lastUpdateStatus: 'Successful',
    };
    if (input.DeadLetterConfig?.TargetArn) record.deadLetterTargetArn = input.DeadLetterConfig.TargetArn;
    applyLogLevels(record, input);
    if (!(await this.store.functions.insert(record))) throw conflictExists(input.name);
    this.cache.set(cacheKey(scope.account, scope.region, record.name, LATEST), record);
    return record;
  }

  /** Applies `change` to the current `$LATEST` record as one optimistic update. */
  async update(scope: Scope, name: string, expectRevision: string | undefined, change: (r: FunctionRecord) => Promise<void> | void): Promise<FunctionRecord> {
    const current = this.require(scope, name);
    if (expectRevision !== undefined && expectRevision !== current.revisionId) throw revisionMismatch();
    const next: FunctionRecord = structuredClone(current);
    await change(next);
    next.revisionId = newRevisionId();
    next.lastModifiedMs = this.clock.now();
    next.lastUpdateStatus = 'Successful';
    if (!(await this.store.functions.replace(next, current.revisionId))) throw updateConflict(current);
    this.cache.set(cacheKey(scope.account, scope.region, name, LATEST), next);
    for (const l of this.listeners) l(current, 'updated');
    return next;
  }

  /**
   * Moves a function's (or version's) RevisionId on without changing its code or configuration: AddPermission and
   * RemovePermission do this, as on AWS, where a resource-based policy's RevisionId is the function's. Running
   * environments are not affected (nothing they run changed), so no listener is told.
   */
  async bumpRevision(scope: Scope, name: string, version: string, expectRevision: string): Promise<FunctionRecord> {
    const current = this.require(scope, name, version);
    if (current.revisionId !== expectRevision) throw revisionMismatch();
    const next: FunctionRecord = { ...current, revisionId: newRevisionId() };
    if (!(await this.store.functions.replace(next, current.revisionId))) throw updateConflict(current);
    this.cache.set(cacheKey(scope.account, scope.region, name, version), next);
    return next;
  }

  async delete(scope: Scope, name: string): Promise<void> {
    this.require(scope, name);
    await this.store.functions.deleteFunction(scope.account, scope.region, name);
    for (const [key, r] of this.cache) {
      if (r.account === scope.account && r.region === scope.region && r.name === name) {
        this.cache.delete(key);
        for (const l of this.listeners) l(r, 'deleted');
      }
    }
  }

  /** Functions (`$LATEST` records) in an account and region. */
  count(scope: Scope): number {
    let n = 0;
    for (const r of this.cache.values()) if (r.account === scope.account && r.region === scope.region && r.version === LATEST) n++;
    return n;
  }

  /** Bytes of deployment packages of every function version in an account and region. */
  totalCodeSize(scope: Scope): number {
    let bytes = 0;
    for (const r of this.cache.values()) if (r.account === scope.account && r.region === scope.region) bytes += r.codeSize;
    return bytes;
  }

  list(scope: Scope, opts: { after?: string; limit: number; allVersions: boolean }): Promise<ListPage<FunctionRecord>> {
    return this.store.functions.list(scope.account, scope.region, opts);
  }
}

function conflictExists(name: string): AwsError {
  return new AwsError('ResourceConflictException', 409, `Function already exist: ${name}`);
}

export function applyLogLevels(record: FunctionRecord, input: ConfigInput): void {
  const lc = input.LoggingConfig;
  if (!lc) return;
  if (lc.ApplicationLogLevel !== undefined) record.applicationLogLevel = lc.ApplicationLogLevel;
  if (lc.SystemLogLevel !== undefined) record.systemLogLevel = lc.SystemLogLevel;
}

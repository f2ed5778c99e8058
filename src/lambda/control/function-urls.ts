import { functionArn } from '../../core/arn.js';
import { AwsError } from '../../core/errors.js';
import type { FunctionUrlRecord, Store } from '../../store/store.js';
import type { Scope } from './function-registry.js';

const key = (account: string, region: string, name: string, qualifier: string) => `${account}\0${region}\0${name}\0${qualifier}`;

/** AWS's answer when a function (or alias) has no URL: Get, Update and Delete. */
export function urlNotFound(): AwsError {
  return new AwsError('ResourceNotFoundException', 404, 'The resource you requested does not exist.', { messageKey: 'Message' });
}

/**
 * Function URLs: stored, and cached twice over — by function and qualifier for the API, by URL id for the HTTP
 * front, whose every request looks one up without touching disk.
 */
export class FunctionUrls {
  private readonly byFunction = new Map<string, FunctionUrlRecord>();
  private readonly byId = new Map<string, FunctionUrlRecord>();

  constructor(private readonly store: Store) {}

  async load(): Promise<void> {
    for (const r of await this.store.functionUrls.all()) this.remember(r);
  }

  get(scope: Scope, name: string, qualifier: string): FunctionUrlRecord | undefined {
    return this.byFunction.get(key(scope.account, scope.region, name, qualifier));
  }

  require(scope: Scope, name: string, qualifier: string): FunctionUrlRecord {
    const r = this.get(scope, name, qualifier);
    if (!r) throw urlNotFound();
    return r;
  }

  /** The URL a request addressed; undefined for an id nobody was given. */
  byUrlId(urlId: string): FunctionUrlRecord | undefined {
    return this.byId.get(urlId);
  }

  /** Whether an id is taken (a new URL draws another). */
  has(urlId: string): boolean {
    return this.byId.has(urlId);
  }

  /** Stores a new URL: 409 with AWS's text when the function (or alias) already has one. */
  async create(record: FunctionUrlRecord): Promise<void> {
    if (this.get(record, record.functionName, record.qualifier)) {
      const arn = functionArn(record.region, record.account, record.functionName, record.qualifier || undefined);
      throw new AwsError('ResourceConflictException', 409,
        `Failed to create function url config for [functionArn = ${arn}]. Error message:  FunctionUrlConfig exists for this Lambda function`);
    }
    await this.put(record);
  }

  async put(record: FunctionUrlRecord): Promise<void> {
    await this.store.functionUrls.put(record);
    this.remember(record);
  }

  async delete(scope: Scope, name: string, qualifier: string): Promise<void> {
    const r = this.require(scope, name, qualifier);
    await this.store.functionUrls.delete(scope.account, scope.region, name, qualifier);
    this.forget(r);
  }

  /** Every URL of one function, qualifiers in order ('' — the unqualified URL — first). */
  list(scope: Scope, name: string): FunctionUrlRecord[] {
    return [...this.byFunction.values()]
      .filter((r) => r.account === scope.account && r.region === scope.region && r.functionName === name)
      .sort((a, b) => (a.qualifier < b.qualifier ? -1 : a.qualifier > b.qualifier ? 1 : 0));
  }

  /** DeleteFunction removes the function's URLs with it. */
  async deleteFunction(scope: Scope, name: string): Promise<void> {
    await this.store.functionUrls.deleteFunction(scope.account, scope.region, name);
    for (const r of this.list(scope, name)) this.forget(r);
  }

  private remember(r: FunctionUrlRecord): void {
    const previous = this.get(r, r.functionName, r.qualifier);
    if (previous) this.byId.delete(previous.urlId);
    this.byFunction.set(key(r.account, r.region, r.functionName, r.qualifier), r);
    this.byId.set(r.urlId, r);
  }

  private forget(r: FunctionUrlRecord): void {
    this.byFunction.delete(key(r.account, r.region, r.functionName, r.qualifier));
    this.byId.delete(r.urlId);
  }
}

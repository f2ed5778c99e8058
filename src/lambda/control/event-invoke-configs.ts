import { AwsError } from '../../core/errors.js';
import type { EventInvokeConfigRecord, Store } from '../../store/store.js';
import type { Scope } from './function-registry.js';

const key = (account: string, region: string, name: string, qualifier: string) => `${account}\0${region}\0${name}\0${qualifier}`;

/** Asynchronous invocation settings per function and qualifier: stored, and cached for the async workers. */
export class EventInvokeConfigs {
  private readonly cache = new Map<string, EventInvokeConfigRecord>();

  constructor(private readonly store: Store) {}

  async load(): Promise<void> {
    for (const r of await this.store.eventInvokeConfigs.all()) this.cache.set(key(r.account, r.region, r.functionName, r.qualifier), r);
  }

  get(scope: Scope, name: string, qualifier: string): EventInvokeConfigRecord | undefined {
    return this.cache.get(key(scope.account, scope.region, name, qualifier));
  }

  /** 404 as GetFunctionEventInvokeConfig answers when there is none. */
  require(scope: Scope, name: string, qualifier: string, functionArn: string): EventInvokeConfigRecord {
    const r = this.get(scope, name, qualifier);
    if (!r) {
      throw new AwsError('ResourceNotFoundException', 404, `The function ${functionArn} doesn't have an EventInvokeConfig`, { messageKey: 'Message' });
    }
    return r;
  }

  async put(record: EventInvokeConfigRecord): Promise<void> {
    await this.store.eventInvokeConfigs.put(record);
    this.cache.set(key(record.account, record.region, record.functionName, record.qualifier), record);
  }

  async delete(scope: Scope, name: string, qualifier: string): Promise<void> {
    await this.store.eventInvokeConfigs.delete(scope.account, scope.region, name, qualifier);
    this.cache.delete(key(scope.account, scope.region, name, qualifier));
  }

  /** Every configuration of one function, qualifiers in order. */
  list(scope: Scope, name: string): EventInvokeConfigRecord[] {
    return [...this.cache.values()]
      .filter((r) => r.account === scope.account && r.region === scope.region && r.functionName === name)
      .sort((a, b) => (a.qualifier < b.qualifier ? -1 : a.qualifier > b.qualifier ? 1 : 0));
  }

  /** DeleteFunction removes the function's configurations with it. */
  async deleteFunction(scope: Scope, name: string): Promise<void> {
    await this.store.eventInvokeConfigs.deleteFunction(scope.account, scope.region, name);
    for (const r of this.list(scope, name)) this.cache.delete(key(r.account, r.region, r.functionName, r.qualifier));
  }
}

import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { AwsError } from '../../core/errors.js';
import type { EventSourceMappingRecord, Store } from '../../store/store.js';
import type { Scope } from './function-registry.js';

type MappingState = EventSourceMappingRecord['state'];

/** Starts, reconfigures and stops the pollers: the data-plane side of a mapping. */
export interface MappingRunner {
  /** Brings polling in line with the record (start, reconfigure or stop); resolves when that is done. */
  apply(record: Readonly<EventSourceMappingRecord>): Promise<void>;
  /** Stops polling for good; resolves once the batches in flight are finished. */
  remove(uuid: string): Promise<void>;
}

const STABLE: ReadonlySet<MappingState> = new Set(['Enabled', 'Disabled']);
const USER_INITIATED = 'USER_INITIATED';

export function mappingNotFound(): AwsError {
  return new AwsError('ResourceNotFoundException', 404, 'The resource you requested does not exist.', { messageKey: 'Message' });
}

function inUse(action: string): AwsError {
  return new AwsError('ResourceInUseException', 400,
    `Cannot ${action} the event source mapping because it is in use. Wait until its state is Enabled or Disabled and try again.`,
    { messageKey: 'Message' });
}

const stableState = (r: EventSourceMappingRecord): MappingState => (r.enabled ? 'Enabled' : 'Disabled');

/**
 * Event source mapping records (lambda-api.md, event-sources.md §1): the store is the truth, a copy in memory serves
 * reads. Every change is answered in its transitional state (Creating, Enabling, Disabling, Updating, Deleting)
 * and settles to Enabled or Disabled (or goes away) once the runner has applied it, as on AWS.
 */
export class EventSourceMappings {
  private readonly cache = new Map<string, EventSourceMappingRecord>();
  private runner: MappingRunner | undefined;
  private readonly settling = new Set<Promise<void>>();

  constructor(private readonly store: Store, private readonly clock: Clock, private readonly log: Logger) {}

  /** Loads every mapping and hands each to the runner; a change cut off by a restart is finished now. */
  async start(runner: MappingRunner): Promise<void> {
    this.runner = runner;
    for (const r of await this.store.eventSourceMappings.all()) this.cache.set(r.uuid, r);
    for (const r of this.cache.values()) this.settle(r.uuid);
  }

  get(scope: Scope, uuid: string): EventSourceMappingRecord {
    const r = this.cache.get(uuid);
    if (!r || r.account !== scope.account || r.region !== scope.region) throw mappingNotFound();
    return r;
  }

  /** The scope's mappings in a stable order (by UUID), optionally only those matching `filter`. */
  list(scope: Scope, filter: (r: EventSourceMappingRecord) => boolean): EventSourceMappingRecord[] {
    return [...this.cache.values()]
      .filter((r) => r.account === scope.account && r.region === scope.region && filter(r))
      .sort((a, b) => (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
  }

  find(predicate: (r: EventSourceMappingRecord) => boolean): EventSourceMappingRecord | undefined {
    for (const r of this.cache.values()) if (predicate(r)) return r;
    return undefined;
  }

  async create(record: EventSourceMappingRecord): Promise<EventSourceMappingRecord> {
    record.state = 'Creating';
    record.stateTransitionReason = USER_INITIATED;
    record.lastModifiedMs = this.clock.now();
    await this.store.eventSourceMappings.put(record);
    this.cache.set(record.uuid, record);
    this.settle(record.uuid);
    return { ...record };
  }

  /** Applies `change` to a stable mapping; Enabled changes go through Enabling/Disabling, others through Updating. */
  async update(scope: Scope, uuid: string, change: (r: EventSourceMappingRecord) => void): Promise<EventSourceMappingRecord> {
    const current = this.get(scope, uuid);
    if (!STABLE.has(current.state)) throw inUse('update');
    const next = structuredClone(current);
    change(next);
    next.state = next.enabled === current.enabled ? 'Updating' : next.enabled ? 'Enabling' : 'Disabling';
    next.stateTransitionReason = USER_INITIATED;
    next.lastModifiedMs = this.clock.now();
    await this.store.eventSourceMappings.put(next);
    this.cache.set(uuid, next);
    this.settle(uuid);
    return { ...next };
  }

  async delete(scope: Scope, uuid: string): Promise<EventSourceMappingRecord> {
    const current = this.get(scope, uuid);
    if (!STABLE.has(current.state)) throw inUse('delete');
    const next = { ...current, state: 'Deleting' as const, stateTransitionReason: USER_INITIATED };
    await this.store.eventSourceMappings.put(next);
    this.cache.set(uuid, next);
    this.settle(uuid);
    return { ...next };
  }

  /** LastProcessingResult as the pollers see it; kept in memory and saved with the next state change. */
  noteResult(uuid: string, result: string): void {
    const r = this.cache.get(uuid);
    if (r) r.lastProcessingResult = result;
  }

  /** Resolves when every change in progress has settled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.settling.size) await Promise.all([...this.settling]);
  }

  private settle(uuid: string): void {
    const p = this.finish(uuid).catch((err) => this.log.error({ err, uuid }, 'event source mapping change failed'));
    this.settling.add(p);
    void p.finally(() => this.settling.delete(p));
  }

  private async finish(uuid: string): Promise<void> {
    const r = this.cache.get(uuid);
    if (!r || !this.runner) return;
    if (r.state === 'Deleting') {
      await this.runner.remove(uuid);
      await this.store.eventSourceMappings.delete(uuid);
      this.cache.delete(uuid);
      return;
    }
    await this.runner.apply(r);
    if (STABLE.has(r.state) || this.cache.get(uuid) !== r) return;
    const settled = { ...r, state: stableState(r) };
    await this.store.eventSourceMappings.put(settled);
    this.cache.set(uuid, settled);
  }
}

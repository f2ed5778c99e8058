import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { parseFunctionName } from '../../core/arn.js';
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

/**
 * AWS's answer to a second mapping between the same queue and function, spaces inside the quotes and all, as
 * CreateEventSourceMapping returns it (the function by its name, as AWS shows it).
 */
export function mappingConflict(existing: EventSourceMappingRecord): AwsError {
  const ref = parseFunctionName(existing.functionArn);
  const fn = ref ? (ref.qualifier === undefined ? ref.name : `${ref.name}:${ref.qualifier}`) : existing.functionArn;
  return new AwsError('ResourceConflictException', 409,
    `An event source mapping with SQS arn (" ${existing.eventSourceArn} ") and function (" ${fn} ") already exists. ` +
      `Please update or delete the existing mapping with UUID ${existing.uuid}`);
}

const stableState = (r: EventSourceMappingRecord): MappingState => (r.enabled ? 'Enabled' : 'Disabled');

const sameLink = (a: EventSourceMappingRecord, b: EventSourceMappingRecord): boolean =>
  a.uuid !== b.uuid && a.eventSourceArn === b.eventSourceArn && a.functionArn === b.functionArn;

/**
 * Event source mapping records (lambda-api.md, event-sources.md §1): the store is the truth, a copy in memory serves
 * reads. Every change is answered in its transitional state (Creating, Enabling, Disabling, Updating, Deleting)
 * and settles to Enabled or Disabled (or goes away) once the runner has applied it, as on AWS.
 */
export class EventSourceMappings {
  private readonly cache = new Map<string, EventSourceMappingRecord>();
  private runner: MappingRunner | undefined;
  private readonly settling = new Set<Promise<void>>();
  /**
   * Changes accepted but not yet committed. The store is asynchronous, so two requests can overlap: these keep a
   * second create of the same link, or a second change to the same mapping, from slipping in meanwhile.
   */
  private readonly writing = new Map<string, EventSourceMappingRecord>();

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

  /** Another mapping (settled or being written) between the same event source and the same function ARN. */
  duplicateOf(record: EventSourceMappingRecord): EventSourceMappingRecord | undefined {
    for (const r of this.writing.values()) if (sameLink(r, record)) return r;
    return this.find((r) => sameLink(r, record));
  }

  /** Stores a new mapping in state Creating; 409 ResourceConflictException if the queue and function are linked already. */
  async create(record: EventSourceMappingRecord): Promise<EventSourceMappingRecord> {
    const existing = this.duplicateOf(record);
    if (existing) throw mappingConflict(existing);
    record.state = 'Creating';
    record.stateTransitionReason = USER_INITIATED;
    record.lastModifiedMs = this.clock.now();
    await this.write(record);
    this.settle(record.uuid);
    return { ...record };
  }

  /**
   * Applies `change` to a stable mapping; Enabled changes go through Enabling/Disabling, others through Updating.
   * `change` may throw (validation against the merged settings); then nothing changes.
   */
  async update(scope: Scope, uuid: string, change: (r: EventSourceMappingRecord) => void): Promise<EventSourceMappingRecord> {
    const current = this.get(scope, uuid);
    if (!STABLE.has(current.state) || this.writing.has(uuid)) throw inUse('update');
    const next = structuredClone(current);
    change(next);
    const existing = this.duplicateOf(next);
    if (existing) throw mappingConflict(existing);
    next.state = next.enabled === current.enabled ? 'Updating' : next.enabled ? 'Enabling' : 'Disabling';
    next.stateTransitionReason = USER_INITIATED;
    next.lastModifiedMs = this.clock.now();
    await this.write(next);
    this.settle(uuid);
    return { ...next };
  }

  async delete(scope: Scope, uuid: string): Promise<EventSourceMappingRecord> {
    const current = this.get(scope, uuid);
    if (!STABLE.has(current.state) || this.writing.has(uuid)) throw inUse('delete');
    const next = { ...current, state: 'Deleting' as const, stateTransitionReason: USER_INITIATED };
    await this.write(next);
    this.settle(uuid);
    return { ...next };
  }

  /** LastProcessingResult as the pollers see it; kept in memory and saved with the next state change. */
  /**
   * LastProcessingResult from the poller. Stored when it changes (rarely: 'OK' batch after batch writes nothing), so
   * it survives a restart; not while a change of the mapping is being written, which carries it along anyway.
   */
  noteResult(uuid: string, result: string): void {
    const r = this.cache.get(uuid);
    if (!r || r.lastProcessingResult === result) return;
    r.lastProcessingResult = result;
    if (this.writing.has(uuid) || r.state === 'Deleting') return;
    this.store.eventSourceMappings.put(r).catch((err) => this.log.error({ err, uuid }, 'storing LastProcessingResult failed'));
  }

  /** Resolves when every change in progress has settled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.settling.size) await Promise.all([...this.settling]);
  }

  /** Commits `record`, then makes it the cached copy; while the commit runs it counts as being written. */
  private async write(record: EventSourceMappingRecord): Promise<void> {
    this.writing.set(record.uuid, record);
    try {
      await this.store.eventSourceMappings.put(record);
    } finally {
      this.writing.delete(record.uuid);
    }
    this.cache.set(record.uuid, record);
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

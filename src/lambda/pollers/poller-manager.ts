import type { EventSourceMappingRecord } from '../../store/store.js';
import type { MappingRunner } from '../control/event-source-mappings.js';
import { SqsPoller, type PollerDeps } from './sqs-poller.js';

/** Runs one poller per enabled mapping; the mapping registry drives it. */
export class PollerManager implements MappingRunner {
  private readonly pollers = new Map<string, SqsPoller>();

  constructor(private readonly deps: PollerDeps) {}

  async apply(record: Readonly<EventSourceMappingRecord>): Promise<void> {
    const poller = this.pollers.get(record.uuid);
    if (!record.enabled) {
      await this.remove(record.uuid);
    } else if (poller) {
      poller.reconfigure({ ...record });
    } else {
      const p = new SqsPoller({ ...record }, this.deps);
      this.pollers.set(record.uuid, p);
      p.start();
    }
  }

  async remove(uuid: string): Promise<void> {
    const poller = this.pollers.get(uuid);
    this.pollers.delete(uuid);
    await poller?.stop();
  }

  async close(): Promise<void> {
    await Promise.all([...this.pollers.keys()].map((uuid) => this.remove(uuid)));
  }
}

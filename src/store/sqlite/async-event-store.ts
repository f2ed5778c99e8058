import type Database from 'better-sqlite3';
import type { AsyncEventChange, AsyncEventRecord, AsyncEventStore } from '../store.js';
import { asyncEventChangeWriter } from './async-event-changes.js';

/** Accepted async invocations: read once at start-up; changes come in group-committed batches, one transaction each. */
export class SqliteAsyncEventStore implements AsyncEventStore {
  private readonly all_;
  private readonly transaction: (changes: readonly AsyncEventChange[]) => void;

  constructor(db: Database.Database) {
    this.all_ = db.prepare('SELECT record, payload FROM async_events ORDER BY seq');
    this.transaction = db.transaction(asyncEventChangeWriter(db));
  }

  async all(): Promise<AsyncEventRecord[]> {
    return (this.all_.all() as { record: string; payload: string }[]).map((r) => ({ ...(JSON.parse(r.record) as AsyncEventRecord), payload: r.payload }));
  }

  async apply(changes: readonly AsyncEventChange[]): Promise<void> {
    this.transaction(changes);
  }
}

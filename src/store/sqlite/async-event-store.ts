import type Database from 'better-sqlite3';
import type { AsyncEventChange, AsyncEventRecord, AsyncEventStore } from '../store.js';
import type { SqliteWriter } from './writer.js';

/** Accepted async invocations. Read once at start-up; every change is committed by the writer thread. */
export class SqliteAsyncEventStore implements AsyncEventStore {
  private readonly all_;

  constructor(db: Database.Database, private readonly writer: SqliteWriter) {
    this.all_ = db.prepare('SELECT record, payload FROM async_events ORDER BY seq');
  }

  async all(): Promise<AsyncEventRecord[]> {
    return (this.all_.all() as { record: string; payload: string }[]).map((r) => ({ ...(JSON.parse(r.record) as AsyncEventRecord), payload: r.payload }));
  }

  apply(changes: readonly AsyncEventChange[]): Promise<void> {
    return this.writer.apply('asyncEvents', changes);
  }
}

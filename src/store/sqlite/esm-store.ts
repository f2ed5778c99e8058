import type Database from 'better-sqlite3';
import type { EventSourceMappingRecord, EventSourceMappingStore } from '../store.js';

/** Mappings are few and read whole at start-up: one JSON record per UUID. */
export class SqliteEventSourceMappingStore implements EventSourceMappingStore {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      put: db.prepare('INSERT INTO event_source_mappings (uuid, record) VALUES (?, ?) ON CONFLICT(uuid) DO UPDATE SET record=excluded.record'),
      delete: db.prepare('DELETE FROM event_source_mappings WHERE uuid=?'),
      all: db.prepare('SELECT record FROM event_source_mappings'),
    };
  }

  async put(record: EventSourceMappingRecord): Promise<void> {
    this.stmt.put.run(record.uuid, JSON.stringify(record));
  }

  async delete(uuid: string): Promise<void> {
    this.stmt.delete.run(uuid);
  }

  async all(): Promise<EventSourceMappingRecord[]> {
    return (this.stmt.all.all() as { record: string }[]).map((r) => JSON.parse(r.record) as EventSourceMappingRecord);
  }
}

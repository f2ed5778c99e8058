import type Database from 'better-sqlite3';
import type { EventRuleRecord, EventsStore, StoredEventRule } from '../store.js';

/**
 * EventBridge rules (targets inside the record) and, beside the record, the scheduled time a schedule rule last
 * fired for: replacing a rule keeps it, deleting the rule drops it. Every write is its own transaction, committed
 * before the promise resolves.
 */
export class SqliteEventsStore implements EventsStore {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      put: db.prepare(
        `INSERT INTO event_rules (account, region, bus, name, record) VALUES (?,?,?,?,?)
         ON CONFLICT(account, region, bus, name) DO UPDATE SET record=excluded.record`,
      ),
      delete: db.prepare('DELETE FROM event_rules WHERE account=? AND region=? AND bus=? AND name=?'),
      fired: db.prepare('UPDATE event_rules SET last_fire=? WHERE account=? AND region=? AND bus=? AND name=?'),
      all: db.prepare('SELECT record, last_fire FROM event_rules ORDER BY account, region, bus, name'),
    };
  }

  async putRule(r: EventRuleRecord): Promise<void> {
    this.stmt.put.run(r.account, r.region, r.eventBusName, r.name, JSON.stringify(r));
  }

  async deleteRule(account: string, region: string, eventBusName: string, name: string): Promise<void> {
    this.stmt.delete.run(account, region, eventBusName, name);
  }

  async noteFired(account: string, region: string, eventBusName: string, name: string, fireMs: number): Promise<void> {
    this.stmt.fired.run(fireMs, account, region, eventBusName, name);
  }

  async all(): Promise<StoredEventRule[]> {
    return (this.stmt.all.all() as { record: string; last_fire: number | null }[]).map((r) => {
      const stored: StoredEventRule = { rule: JSON.parse(r.record) as EventRuleRecord };
      if (r.last_fire !== null) stored.lastFireMs = r.last_fire;
      return stored;
    });
  }
}

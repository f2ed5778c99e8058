import type Database from 'better-sqlite3';
import type {
  ApiRecord, ApiStore, ConcurrencyRecord, ConcurrencyStore, EventInvokeConfigRecord, EventInvokeConfigStore, PolicyRecord, PolicyStore,
} from '../store.js';

/** Event invoke configurations: few, read whole at start-up, one JSON record per function and qualifier. */
export class SqliteEventInvokeConfigStore implements EventInvokeConfigStore {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      put: db.prepare(
        `INSERT INTO event_invoke_configs (account, region, function_name, qualifier, record) VALUES (?,?,?,?,?)
         ON CONFLICT(account, region, function_name, qualifier) DO UPDATE SET record=excluded.record`,
      ),
      delete: db.prepare('DELETE FROM event_invoke_configs WHERE account=? AND region=? AND function_name=? AND qualifier=?'),
      deleteFunction: db.prepare('DELETE FROM event_invoke_configs WHERE account=? AND region=? AND function_name=?'),
      all: db.prepare('SELECT record FROM event_invoke_configs'),
    };
  }

  async put(r: EventInvokeConfigRecord): Promise<void> {
    this.stmt.put.run(r.account, r.region, r.functionName, r.qualifier, JSON.stringify(r));
  }

  async delete(account: string, region: string, functionName: string, qualifier: string): Promise<void> {
    this.stmt.delete.run(account, region, functionName, qualifier);
  }

  async deleteFunction(account: string, region: string, functionName: string): Promise<void> {
    this.stmt.deleteFunction.run(account, region, functionName);
  }

  async all(): Promise<EventInvokeConfigRecord[]> {
    return (this.stmt.all.all() as { record: string }[]).map((r) => JSON.parse(r.record) as EventInvokeConfigRecord);
  }
}

/** Reserved concurrency per function. */
export class SqliteConcurrencyStore implements ConcurrencyStore {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      put: db.prepare(
        `INSERT INTO function_concurrency (account, region, function_name, reserved) VALUES (?,?,?,?)
         ON CONFLICT(account, region, function_name) DO UPDATE SET reserved=excluded.reserved`,
      ),
      delete: db.prepare('DELETE FROM function_concurrency WHERE account=? AND region=? AND function_name=?'),
      all: db.prepare('SELECT account, region, function_name AS functionName, reserved FROM function_concurrency'),
    };
  }

  async put(r: ConcurrencyRecord): Promise<void> {
    this.stmt.put.run(r.account, r.region, r.functionName, r.reserved);
  }

  async delete(account: string, region: string, functionName: string): Promise<void> {
    this.stmt.delete.run(account, region, functionName);
  }

  async all(): Promise<ConcurrencyRecord[]> {
    return this.stmt.all.all() as ConcurrencyRecord[];
  }
}

/** Resource-based policies: one JSON record per function and qualifier, read whole at start-up. */
export class SqlitePolicyStore implements PolicyStore {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      put: db.prepare(
        `INSERT INTO function_policies (account, region, function_name, qualifier, record) VALUES (?,?,?,?,?)
         ON CONFLICT(account, region, function_name, qualifier) DO UPDATE SET record=excluded.record`,
      ),
      delete: db.prepare('DELETE FROM function_policies WHERE account=? AND region=? AND function_name=? AND qualifier=?'),
      deleteFunction: db.prepare('DELETE FROM function_policies WHERE account=? AND region=? AND function_name=?'),
      all: db.prepare('SELECT record FROM function_policies'),
    };
  }

  async put(r: PolicyRecord): Promise<void> {
    this.stmt.put.run(r.account, r.region, r.functionName, r.qualifier, JSON.stringify(r));
  }

  async delete(account: string, region: string, functionName: string, qualifier: string): Promise<void> {
    this.stmt.delete.run(account, region, functionName, qualifier);
  }

  async deleteFunction(account: string, region: string, functionName: string): Promise<void> {
    this.stmt.deleteFunction.run(account, region, functionName);
  }

  async all(): Promise<PolicyRecord[]> {
    return (this.stmt.all.all() as { record: string }[]).map((r) => JSON.parse(r.record) as PolicyRecord);
  }
}

/** API Gateway APIs: one JSON document per API, read whole at start-up. */
export class SqliteApiStore implements ApiStore {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      put: db.prepare(
        `INSERT INTO apis (kind, id, account, region, record) VALUES (?,?,?,?,?)
         ON CONFLICT(kind, id) DO UPDATE SET record=excluded.record`,
      ),
      delete: db.prepare('DELETE FROM apis WHERE kind=? AND id=?'),
      all: db.prepare('SELECT kind, id, account, region, record FROM apis'),
    };
  }

  async put(r: ApiRecord): Promise<void> {
    this.stmt.put.run(r.kind, r.id, r.account, r.region, JSON.stringify(r.doc));
  }

  async delete(kind: ApiRecord['kind'], id: string): Promise<void> {
    this.stmt.delete.run(kind, id);
  }

  async all(): Promise<ApiRecord[]> {
    return (this.stmt.all.all() as { kind: ApiRecord['kind']; id: string; account: string; region: string; record: string }[])
      .map((r) => ({ kind: r.kind, id: r.id, account: r.account, region: r.region, doc: JSON.parse(r.record) }));
  }
}

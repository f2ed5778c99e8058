import type Database from 'better-sqlite3';
import type { FunctionUrlRecord, FunctionUrlStore } from '../store.js';

/** Function URLs: few, read whole at start-up, one JSON record per function and qualifier. */
export class SqliteFunctionUrlStore implements FunctionUrlStore {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      put: db.prepare(
        `INSERT INTO function_urls (account, region, function_name, qualifier, url_id, record) VALUES (?,?,?,?,?,?)
         ON CONFLICT(account, region, function_name, qualifier) DO UPDATE SET url_id=excluded.url_id, record=excluded.record`,
      ),
      delete: db.prepare('DELETE FROM function_urls WHERE account=? AND region=? AND function_name=? AND qualifier=?'),
      deleteFunction: db.prepare('DELETE FROM function_urls WHERE account=? AND region=? AND function_name=?'),
      all: db.prepare('SELECT record FROM function_urls'),
    };
  }

  async put(r: FunctionUrlRecord): Promise<void> {
    this.stmt.put.run(r.account, r.region, r.functionName, r.qualifier, r.urlId, JSON.stringify(r));
  }

  async delete(account: string, region: string, functionName: string, qualifier: string): Promise<void> {
    this.stmt.delete.run(account, region, functionName, qualifier);
  }

  async deleteFunction(account: string, region: string, functionName: string): Promise<void> {
    this.stmt.deleteFunction.run(account, region, functionName);
  }

  async all(): Promise<FunctionUrlRecord[]> {
    return (this.stmt.all.all() as { record: string }[]).map((r) => JSON.parse(r.record) as FunctionUrlRecord);
  }
}

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FunctionKey, FunctionRecord, FunctionStore, ListPage, Store } from '../store.js';
import { SqliteAsyncEventStore } from './async-event-store.js';
import { SqliteEventSourceMappingStore } from './esm-store.js';
import { SqliteEventsStore } from './events-store.js';
import { MIGRATIONS } from './migrations.js';
import { SqliteQueueStore } from './queue-store.js';
import { SqliteSnsStore } from './sns-store.js';
import { SqliteFunctionUrlStore } from './function-url-store.js';
import { SqliteApiStore, SqliteConcurrencyStore, SqliteEventInvokeConfigStore, SqlitePolicyStore } from './settings-stores.js';
import { SqliteS3Store } from './s3-store.js';

/** `$LATEST` sorts before version 1, 2, ...: ListVersionsByFunction and ListFunctions order by this. */
const versionOrder = (version: string): number => (version === '$LATEST' ? 0 : Number(version));

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let i = current; i < MIGRATIONS.length; i++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[i]!);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
}

function encodeCursor(name: string, order: number): string {
  return Buffer.from(JSON.stringify([name, order])).toString('base64url');
}

function decodeCursor(cursor: string): [string, number] | undefined {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    return Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'number' ? [v[0], v[1]] : undefined;
  } catch {
    return undefined;
  }
}

class SqliteFunctionStore implements FunctionStore {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      get: db.prepare('SELECT record FROM functions WHERE account=? AND region=? AND name=? AND version_order=?'),
      insert: db.prepare(
        'INSERT OR IGNORE INTO functions (account, region, name, version, version_order, revision_id, record) VALUES (?,?,?,?,?,?,?)',
      ),
      replace: db.prepare(
        'UPDATE functions SET revision_id=?, record=? WHERE account=? AND region=? AND name=? AND version_order=? AND revision_id=?',
      ),
      deleteFunction: db.prepare('DELETE FROM functions WHERE account=? AND region=? AND name=?'),
      list: db.prepare(
        `SELECT record, name, version_order FROM functions WHERE account=? AND region=? AND (version_order=0 OR ?)
         AND (name > ? OR (name = ? AND version_order > ?)) ORDER BY name, version_order LIMIT ?`,
      ),
      all: db.prepare('SELECT record FROM functions'),
    };
  }

  async get(key: FunctionKey): Promise<FunctionRecord | undefined> {
    const row = this.stmt.get.get(key.account, key.region, key.name, versionOrder(key.version)) as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as FunctionRecord) : undefined;
  }

  async insert(r: FunctionRecord): Promise<boolean> {
    const info = this.stmt.insert.run(r.account, r.region, r.name, r.version, versionOrder(r.version), r.revisionId, JSON.stringify(r));
    return info.changes === 1;
  }

  async replace(r: FunctionRecord, expectRevision: string): Promise<boolean> {
    const info = this.stmt.replace.run(
      r.revisionId, JSON.stringify(r), r.account, r.region, r.name, versionOrder(r.version), expectRevision,
    );
    return info.changes === 1;
  }

  async deleteFunction(account: string, region: string, name: string): Promise<number> {
    return this.stmt.deleteFunction.run(account, region, name).changes;
  }

  async list(account: string, region: string, opts: { after?: string; limit: number; allVersions: boolean }): Promise<ListPage<FunctionRecord>> {
    const [afterName, afterOrder] = (opts.after && decodeCursor(opts.after)) || ['', -1];
    const rows = this.stmt.list.all(
      account, region, opts.allVersions ? 1 : 0, afterName, afterName, afterOrder, opts.limit + 1,
    ) as { record: string; name: string; version_order: number }[];
    const page = rows.slice(0, opts.limit);
    const last = page[page.length - 1];
    const result: ListPage<FunctionRecord> = { items: page.map((r) => JSON.parse(r.record) as FunctionRecord) };
    if (rows.length > opts.limit && last) result.next = encodeCursor(last.name, last.version_order);
    return result;
  }

  async all(): Promise<FunctionRecord[]> {
    return (this.stmt.all.all() as { record: string }[]).map((r) => JSON.parse(r.record) as FunctionRecord);
  }
}

/** Opens (creating if needed) `<dataDir>/lambkin.db` with owner-only permissions. */
export function openSqliteStore(dataDir: string, synchronous: 'FULL' | 'NORMAL'): Store {
  const file = path.join(dataDir, 'lambkin.db');
  const db = new Database(file);
  fs.chmodSync(file, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 5000');
  migrate(db);
  const getMeta = db.prepare('SELECT value FROM meta WHERE key=?');
  const setMeta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value');
  return {
    functions: new SqliteFunctionStore(db),
    eventSourceMappings: new SqliteEventSourceMappingStore(db),
    queues: new SqliteQueueStore(db),
    eventInvokeConfigs: new SqliteEventInvokeConfigStore(db),
    concurrency: new SqliteConcurrencyStore(db),
    asyncEvents: new SqliteAsyncEventStore(db),
    policies: new SqlitePolicyStore(db),
    sns: new SqliteSnsStore(db),
    events: new SqliteEventsStore(db),
    apis: new SqliteApiStore(db),
    functionUrls: new SqliteFunctionUrlStore(db),
    s3: new SqliteS3Store(db),
    async getMeta(key) {
      return (getMeta.get(key) as { value: string } | undefined)?.value;
    },
    async setMeta(key, value) {
      setMeta.run(key, value);
    },
    async close() {
      db.close();
    },
  };
}

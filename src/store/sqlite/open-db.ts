import Database from 'better-sqlite3';

export type Synchronous = 'FULL' | 'NORMAL';

/**
 * One connection to the data dir's database, set up the same way on the main thread and in the writer thread:
 * WAL (readers never wait for the writer), the configured durability, and a busy timeout for the moments when both
 * connections want to write.
 */
export function openDatabase(file: string, synchronous: Synchronous): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 5000');
  return db;
}

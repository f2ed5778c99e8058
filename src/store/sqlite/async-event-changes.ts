import type Database from 'better-sqlite3';
import type { AsyncEventChange, AsyncEventRecord } from '../store.js';

/**
 * The record without its payload: what an attempt changes is rewritten, the event itself only once. Only the
 * record's own members are kept (callers hand in richer in-memory objects).
 */
export function eventState(e: AsyncEventRecord): string {
  const state: Omit<AsyncEventRecord, 'payload'> = {
    seq: e.seq, account: e.account, region: e.region, functionName: e.functionName, qualifier: e.qualifier, invokedArn: e.invokedArn,
    requestId: e.requestId, enqueuedMs: e.enqueuedMs, attempts: e.attempts, dueMs: e.dueMs, backoffs: e.backoffs,
  };
  if (e.lastStatus !== undefined) state.lastStatus = e.lastStatus;
  if (e.lastError !== undefined) state.lastError = e.lastError.slice(0, 1024);
  return JSON.stringify(state);
}

/** Applies async event changes, in order, to `db`; the caller wraps a batch in one transaction. */
export function asyncEventChangeWriter(db: Database.Database): (changes: readonly AsyncEventChange[]) => void {
  const insert = db.prepare('INSERT INTO async_events (seq, record, payload) VALUES (?,?,?)');
  const update = db.prepare('UPDATE async_events SET record=? WHERE seq=?');
  const remove = db.prepare('DELETE FROM async_events WHERE seq=?');
  return (changes) => {
    for (const c of changes) {
      if (c.op === 'insert') insert.run(c.event.seq, eventState(c.event), c.event.payload);
      else if (c.op === 'update') update.run(eventState(c.event), c.event.seq);
      else remove.run(c.seq);
    }
  };
}

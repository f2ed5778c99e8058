import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { openDatabase, type Synchronous } from './open-db.js';
import { asyncEventChangeWriter } from './async-event-changes.js';
import { queueChangeWriter } from './queue-changes.js';
import type { WriteReply, WriteRequest } from './writer.js';

/**
 * The writer thread: owns the connection that writes the hot tables, so each commit's fsync waits here and not on
 * the event loop that serves requests. Requests that queued up while a commit ran are applied together, in order,
 * in the next transaction (a second level of group commit); each reply says its request is durable (or failed).
 */
const { file, synchronous } = workerData as { file: string; synchronous: Synchronous };
const db = openDatabase(file, synchronous);
const queues = queueChangeWriter(db);
const asyncEvents = asyncEventChangeWriter(db);

function write(req: WriteRequest): void {
  if (req.kind === 'queues') queues(req.changes);
  else asyncEvents(req.changes);
}
const port = parentPort!;

const applyAll = db.transaction((reqs: WriteRequest[]) => {
  for (const req of reqs) write(req);
});
const applyOne = db.transaction(write);

function commit(reqs: WriteRequest[]): WriteReply[] {
  try {
    applyAll(reqs);
    return reqs.map((r) => ({ id: r.id }));
  } catch {
    // One bad request must not fail the others: apply them one by one to find out which.
    return reqs.map((r) => {
      try {
        applyOne(r);
        return { id: r.id };
      } catch (err) {
        return { id: r.id, error: err instanceof Error ? err.message : String(err) };
      }
    });
  }
}

port.on('message', (first: WriteRequest | 'close') => {
  const reqs: WriteRequest[] = [];
  let closing = false;
  for (let msg: WriteRequest | 'close' | undefined = first; msg !== undefined; msg = receiveMessageOnPort(port)?.message) {
    if (msg === 'close') {
      closing = true;
      break;
    }
    reqs.push(msg);
  }
  if (reqs.length) for (const reply of commit(reqs)) port.postMessage(reply);
  if (closing) {
    db.close();
    port.close();
  }
});

import type Database from 'better-sqlite3';
import type { QueueChange, StoredMessage } from '../store.js';

/** The parts of a message that never change, kept as one JSON text beside the body and the delivery state. */
function messageMeta(m: StoredMessage): string {
  const { seq: _s, queueId: _q, body: _b, visibleAtMs: _v, receiveCount: _r, firstReceiveMs: _f, receiptToken: _t, deadLetterSourceArn: _d, ...meta } = m;
  return JSON.stringify(meta);
}

/** Applies queue changes, in order, to `db`; the caller wraps a batch in one transaction. */
export function queueChangeWriter(db: Database.Database): (changes: readonly QueueChange[]) => void {
  const s = {
    putQueue: db.prepare(
      'INSERT INTO sqs_queues (id, account, region, name, record) VALUES (?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET record=excluded.record',
    ),
    deleteQueue: db.prepare('DELETE FROM sqs_queues WHERE id=?'),
    deleteQueueMessages: db.prepare('DELETE FROM sqs_messages WHERE queue_id=?'),
    deleteQueueDedup: db.prepare('DELETE FROM sqs_dedup WHERE queue_id=?'),
    insert: db.prepare(
      'INSERT INTO sqs_messages (seq, queue_id, message, body, visible_at, receive_count, first_receive, receipt_token, dead_letter_source) VALUES (?,?,?,?,?,?,?,?,?)',
    ),
    update: db.prepare(
      'UPDATE sqs_messages SET queue_id=?, visible_at=?, receive_count=?, first_receive=?, receipt_token=?, dead_letter_source=? WHERE seq=?',
    ),
    delete: db.prepare('DELETE FROM sqs_messages WHERE seq=?'),
    purge: db.prepare('DELETE FROM sqs_messages WHERE queue_id=? AND seq<=?'),
    dedup: db.prepare(
      'INSERT INTO sqs_dedup (queue_id, key, message_id, sequence_number, expires) VALUES (?,?,?,?,?) ON CONFLICT(queue_id, key) DO UPDATE SET message_id=excluded.message_id, sequence_number=excluded.sequence_number, expires=excluded.expires',
    ),
    expireDedup: db.prepare('DELETE FROM sqs_dedup WHERE expires<?'),
  };
  const applyOne = (c: QueueChange): void => {
    switch (c.op) {
      case 'putQueue':
        s.putQueue.run(c.queue.id, c.queue.account, c.queue.region, c.queue.name, JSON.stringify(c.queue));
        return;
      case 'deleteQueue':
        s.deleteQueueMessages.run(c.queueId);
        s.deleteQueueDedup.run(c.queueId);
        s.deleteQueue.run(c.queueId);
        return;
      case 'insert': {
        const m = c.message;
        s.insert.run(m.seq, m.queueId, messageMeta(m), m.body, m.visibleAtMs, m.receiveCount, m.firstReceiveMs, m.receiptToken, m.deadLetterSourceArn ?? null);
        return;
      }
      case 'update': {
        const m = c.state;
        s.update.run(m.queueId, m.visibleAtMs, m.receiveCount, m.firstReceiveMs, m.receiptToken, m.deadLetterSourceArn ?? null, m.seq);
        return;
      }
      case 'delete':
        s.delete.run(c.seq);
        return;
      case 'purge':
        s.purge.run(c.queueId, c.maxSeq);
        return;
      case 'dedup':
        s.dedup.run(c.entry.queueId, c.entry.key, c.entry.messageId, c.entry.sequenceNumber, c.entry.expiresMs);
        return;
      case 'expireDedup':
        s.expireDedup.run(c.beforeMs);
    }
  };
  return (changes) => {
    for (const c of changes) applyOne(c);
  };
}

import type Database from 'better-sqlite3';
import type { DedupRecord, QueueChange, QueueRecord, QueueStore, StoredMessage } from '../store.js';

type Row = Record<string, unknown>;

/** The parts of a message that never change, kept as one JSON text beside the body and the delivery state. */
function messageMeta(m: StoredMessage): string {
  const { seq: _s, queueId: _q, body: _b, visibleAtMs: _v, receiveCount: _r, firstReceiveMs: _f, receiptToken: _t, deadLetterSourceArn: _d, ...meta } = m;
  return JSON.stringify(meta);
}

function toMessage(row: Row): StoredMessage {
  const m = JSON.parse(row.message as string) as StoredMessage;
  m.seq = row.seq as number;
  m.queueId = row.queue_id as number;
  m.body = row.body as string;
  m.visibleAtMs = row.visible_at as number;
  m.receiveCount = row.receive_count as number;
  m.firstReceiveMs = row.first_receive as number;
  m.receiptToken = row.receipt_token as string;
  if (row.dead_letter_source) m.deadLetterSourceArn = row.dead_letter_source as string;
  return m;
}

/**
 * Queues, messages and FIFO deduplication entries. Every change arrives in batches from the queue engine's group
 * commit, and a batch is one transaction: with synchronous=FULL, many sends, receives and deletes share one fsync.
 */
export class SqliteQueueStore implements QueueStore {
  private readonly stmt;
  private readonly transaction;

  constructor(db: Database.Database) {
    this.stmt = {
      queues: db.prepare('SELECT id, record FROM sqs_queues'),
      messages: db.prepare('SELECT * FROM sqs_messages ORDER BY seq'),
      dedups: db.prepare('SELECT * FROM sqs_dedup'),
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
    this.transaction = db.transaction((changes: readonly QueueChange[]) => {
      for (const c of changes) this.applyOne(c);
    });
  }

  async queues(): Promise<QueueRecord[]> {
    return (this.stmt.queues.all() as Row[]).map((r) => ({ ...(JSON.parse(r.record as string) as QueueRecord), id: r.id as number }));
  }

  async messages(): Promise<StoredMessage[]> {
    return (this.stmt.messages.all() as Row[]).map(toMessage);
  }

  async dedups(): Promise<DedupRecord[]> {
    return (this.stmt.dedups.all() as Row[]).map((r) => ({
      queueId: r.queue_id as number, key: r.key as string, messageId: r.message_id as string,
      sequenceNumber: r.sequence_number as string, expiresMs: r.expires as number,
    }));
  }

  async apply(changes: readonly QueueChange[]): Promise<void> {
    this.transaction(changes);
  }

  private applyOne(c: QueueChange): void {
    const s = this.stmt;
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
  }
}

import type Database from 'better-sqlite3';
import type { DedupRecord, QueueChange, QueueRecord, QueueStore, StoredMessage } from '../store.js';
import { queueChangeWriter } from './queue-changes.js';

type Row = Record<string, unknown>;

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
 * commit, and a batch is one transaction: with synchronous=FULL, many sends, receives and deletes share one fsync
 * (docs/decisions/0003).
 */
export class SqliteQueueStore implements QueueStore {
  private readonly stmt;
  private readonly transaction: (changes: readonly QueueChange[]) => void;

  constructor(db: Database.Database) {
    this.stmt = {
      queues: db.prepare('SELECT id, record FROM sqs_queues'),
      messages: db.prepare('SELECT * FROM sqs_messages ORDER BY seq'),
      dedups: db.prepare('SELECT * FROM sqs_dedup'),
    };
    this.transaction = db.transaction(queueChangeWriter(db));
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
}

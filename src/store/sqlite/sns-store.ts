import type Database from 'better-sqlite3';
import type { SnsStore, SnsSubscriptionRecord, SnsTopicRecord } from '../store.js';

/** SNS topics and subscriptions: few, read whole at start-up, one JSON record per ARN. */
export class SqliteSnsStore implements SnsStore {
  private readonly stmt;
  private readonly removeTopic;

  constructor(db: Database.Database) {
    this.stmt = {
      topics: db.prepare('SELECT record FROM sns_topics'),
      subscriptions: db.prepare('SELECT record FROM sns_subscriptions'),
      putTopic: db.prepare('INSERT INTO sns_topics (arn, record) VALUES (?, ?) ON CONFLICT(arn) DO UPDATE SET record=excluded.record'),
      deleteTopic: db.prepare('DELETE FROM sns_topics WHERE arn=?'),
      deleteTopicSubscriptions: db.prepare('DELETE FROM sns_subscriptions WHERE topic_arn=?'),
      putSubscription: db.prepare(
        'INSERT INTO sns_subscriptions (arn, topic_arn, record) VALUES (?, ?, ?) ON CONFLICT(arn) DO UPDATE SET record=excluded.record',
      ),
      deleteSubscription: db.prepare('DELETE FROM sns_subscriptions WHERE arn=?'),
    };
    this.removeTopic = db.transaction((arn: string) => {
      this.stmt.deleteTopicSubscriptions.run(arn);
      this.stmt.deleteTopic.run(arn);
    });
  }

  async topics(): Promise<SnsTopicRecord[]> {
    return (this.stmt.topics.all() as { record: string }[]).map((r) => JSON.parse(r.record) as SnsTopicRecord);
  }

  async subscriptions(): Promise<SnsSubscriptionRecord[]> {
    return (this.stmt.subscriptions.all() as { record: string }[]).map((r) => JSON.parse(r.record) as SnsSubscriptionRecord);
  }

  async putTopic(record: SnsTopicRecord): Promise<void> {
    this.stmt.putTopic.run(record.arn, JSON.stringify(record));
  }

  async deleteTopic(arn: string): Promise<void> {
    this.removeTopic(arn);
  }

  async putSubscription(record: SnsSubscriptionRecord): Promise<void> {
    this.stmt.putSubscription.run(record.arn, record.topicArn, JSON.stringify(record));
  }

  async deleteSubscription(arn: string): Promise<void> {
    this.stmt.deleteSubscription.run(arn);
  }
}

/** Append-only: a released migration never changes; add a new entry instead. Index + 1 = PRAGMA user_version. */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE functions (
     account TEXT NOT NULL,
     region TEXT NOT NULL,
     name TEXT NOT NULL,
     version TEXT NOT NULL,
     version_order INTEGER NOT NULL,
     revision_id TEXT NOT NULL,
     record TEXT NOT NULL,
     PRIMARY KEY (account, region, name, version_order)
   ) WITHOUT ROWID;`,
  `CREATE TABLE event_source_mappings (
     uuid TEXT PRIMARY KEY,
     record TEXT NOT NULL
   ) WITHOUT ROWID;`,
  `CREATE TABLE sqs_queues (
     id INTEGER PRIMARY KEY,
     account TEXT NOT NULL,
     region TEXT NOT NULL,
     name TEXT NOT NULL,
     record TEXT NOT NULL,
     UNIQUE (account, region, name)
   );
   CREATE TABLE sqs_messages (
     seq INTEGER PRIMARY KEY,
     queue_id INTEGER NOT NULL,
     message TEXT NOT NULL,
     body TEXT NOT NULL,
     visible_at INTEGER NOT NULL,
     receive_count INTEGER NOT NULL,
     first_receive INTEGER NOT NULL,
     receipt_token TEXT NOT NULL,
     dead_letter_source TEXT
   );
   CREATE INDEX sqs_messages_queue ON sqs_messages (queue_id, seq);
   CREATE TABLE sqs_dedup (
     queue_id INTEGER NOT NULL,
     key TEXT NOT NULL,
     message_id TEXT NOT NULL,
     sequence_number TEXT NOT NULL,
     expires INTEGER NOT NULL,
     PRIMARY KEY (queue_id, key)
   ) WITHOUT ROWID;`,
  `CREATE TABLE event_invoke_configs (
     account TEXT NOT NULL,
     region TEXT NOT NULL,
     function_name TEXT NOT NULL,
     qualifier TEXT NOT NULL,
     record TEXT NOT NULL,
     PRIMARY KEY (account, region, function_name, qualifier)
   ) WITHOUT ROWID;
   CREATE TABLE function_concurrency (
     account TEXT NOT NULL,
     region TEXT NOT NULL,
     function_name TEXT NOT NULL,
     reserved INTEGER NOT NULL,
     PRIMARY KEY (account, region, function_name)
   ) WITHOUT ROWID;
   CREATE TABLE async_events (
     seq INTEGER PRIMARY KEY,
     record TEXT NOT NULL,
     payload TEXT NOT NULL
   );`,
  `CREATE TABLE function_policies (
     account TEXT NOT NULL,
     region TEXT NOT NULL,
     function_name TEXT NOT NULL,
     qualifier TEXT NOT NULL,
     record TEXT NOT NULL,
     PRIMARY KEY (account, region, function_name, qualifier)
   ) WITHOUT ROWID;`,
  `CREATE TABLE sns_topics (
     arn TEXT PRIMARY KEY,
     record TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE sns_subscriptions (
     arn TEXT PRIMARY KEY,
     topic_arn TEXT NOT NULL,
     record TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX sns_subscriptions_topic ON sns_subscriptions (topic_arn);`,
  `CREATE TABLE event_rules (
     account TEXT NOT NULL,
     region TEXT NOT NULL,
     bus TEXT NOT NULL,
     name TEXT NOT NULL,
     record TEXT NOT NULL,
     last_fire INTEGER,
     PRIMARY KEY (account, region, bus, name)
   ) WITHOUT ROWID;`,
  `CREATE TABLE apis (
     kind TEXT NOT NULL,
     id TEXT NOT NULL,
     account TEXT NOT NULL,
     region TEXT NOT NULL,
     record TEXT NOT NULL,
     PRIMARY KEY (kind, id)
   ) WITHOUT ROWID;`,
  `CREATE TABLE function_urls (
     account TEXT NOT NULL,
     region TEXT NOT NULL,
     function_name TEXT NOT NULL,
     qualifier TEXT NOT NULL,
     url_id TEXT NOT NULL UNIQUE,
     record TEXT NOT NULL,
     PRIMARY KEY (account, region, function_name, qualifier)
   ) WITHOUT ROWID;`,
  `CREATE TABLE s3_buckets (
     name TEXT PRIMARY KEY,
     record TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE s3_objects (
     bucket TEXT NOT NULL,
     key TEXT NOT NULL,
     file_id TEXT NOT NULL,
     record TEXT NOT NULL,
     PRIMARY KEY (bucket, key)
   ) WITHOUT ROWID;
   CREATE TABLE s3_uploads (
     upload_id TEXT PRIMARY KEY,
     bucket TEXT NOT NULL,
     key TEXT NOT NULL,
     record TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX s3_uploads_bucket ON s3_uploads (bucket, key);
   CREATE TABLE s3_parts (
     upload_id TEXT NOT NULL,
     part_number INTEGER NOT NULL,
     file_id TEXT NOT NULL,
     record TEXT NOT NULL,
     PRIMARY KEY (upload_id, part_number)
   ) WITHOUT ROWID;`,
];

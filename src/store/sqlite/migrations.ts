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
];

import type Database from 'better-sqlite3';
import type { BucketRecord, ObjectRecord, PartRecord, S3Store, UploadRecord } from '../store.js';

type Row = { record: string };
const parse = <T>(row: Row | undefined): T | undefined => (row ? (JSON.parse(row.record) as T) : undefined);
const parseAll = <T>(rows: unknown[]): T[] => (rows as Row[]).map((r) => JSON.parse(r.record) as T);

/**
 * S3 metadata: buckets (few, read whole at start-up), objects keyed by bucket and key (listed in key order: SQLite
 * compares TEXT as UTF-8 bytes, which is S3's order), multipart uploads and their parts.
 */
export class SqliteS3Store implements S3Store {
  private readonly s;
  private readonly deleteBucketTx: (name: string) => PartRecord[] | undefined;
  private readonly deleteUploadTx: (uploadId: string) => PartRecord[];
  private readonly completeTx: (uploadId: string, object: ObjectRecord) => { replaced?: ObjectRecord; parts: PartRecord[] };
  private readonly putObjectTx: (object: ObjectRecord) => ObjectRecord | undefined;
  private readonly putPartTx: (part: PartRecord) => PartRecord | undefined | 'no-upload';
  private readonly deleteObjectTx: (bucket: string, key: string) => ObjectRecord | undefined;

  constructor(db: Database.Database) {
    const s = {
      buckets: db.prepare('SELECT record FROM s3_buckets'),
      putBucket: db.prepare('INSERT INTO s3_buckets (name, record) VALUES (?,?) ON CONFLICT(name) DO UPDATE SET record=excluded.record'),
      deleteBucket: db.prepare('DELETE FROM s3_buckets WHERE name=?'),
      getObject: db.prepare('SELECT record FROM s3_objects WHERE bucket=? AND key=?'),
      putObject: db.prepare(
        'INSERT INTO s3_objects (bucket, key, file_id, record) VALUES (?,?,?,?) ON CONFLICT(bucket, key) DO UPDATE SET file_id=excluded.file_id, record=excluded.record',
      ),
      deleteObject: db.prepare('DELETE FROM s3_objects WHERE bucket=? AND key=?'),
      listFrom: db.prepare('SELECT record FROM s3_objects WHERE bucket=? AND key>=? ORDER BY key LIMIT ?'),
      listAfter: db.prepare('SELECT record FROM s3_objects WHERE bucket=? AND key>? ORDER BY key LIMIT ?'),
      hasObjects: db.prepare('SELECT 1 FROM s3_objects WHERE bucket=? LIMIT 1'),
      getUpload: db.prepare('SELECT record FROM s3_uploads WHERE upload_id=?'),
      putUpload: db.prepare('INSERT INTO s3_uploads (upload_id, bucket, key, record) VALUES (?,?,?,?)'),
      uploads: db.prepare('SELECT record FROM s3_uploads WHERE bucket=? ORDER BY key, upload_id'),
      uploadIds: db.prepare('SELECT upload_id FROM s3_uploads WHERE bucket=?'),
      deleteUpload: db.prepare('DELETE FROM s3_uploads WHERE upload_id=?'),
      getPart: db.prepare('SELECT record FROM s3_parts WHERE upload_id=? AND part_number=?'),
      putPart: db.prepare(
        'INSERT INTO s3_parts (upload_id, part_number, file_id, record) VALUES (?,?,?,?) ON CONFLICT(upload_id, part_number) DO UPDATE SET file_id=excluded.file_id, record=excluded.record',
      ),
      parts: db.prepare('SELECT record FROM s3_parts WHERE upload_id=? ORDER BY part_number'),
      deleteParts: db.prepare('DELETE FROM s3_parts WHERE upload_id=?'),
      objectFiles: db.prepare('SELECT file_id FROM s3_objects'),
      partFiles: db.prepare('SELECT file_id FROM s3_parts'),
    };
    this.s = s;
    this.deleteUploadTx = db.transaction((uploadId: string) => {
      const parts = parseAll<PartRecord>(s.parts.all(uploadId));
      s.deleteParts.run(uploadId);
      s.deleteUpload.run(uploadId);
      return parts;
    });
    this.deleteBucketTx = db.transaction((name: string) => {
      if (s.hasObjects.get(name) !== undefined) return undefined;
      const parts: PartRecord[] = [];
      for (const { upload_id } of s.uploadIds.all(name) as { upload_id: string }[]) parts.push(...this.deleteUploadTx(upload_id));
      s.deleteBucket.run(name);
      return parts;
    });
    this.putObjectTx = db.transaction((o: ObjectRecord) => {
      const replaced = parse<ObjectRecord>(s.getObject.get(o.bucket, o.key) as Row | undefined);
      s.putObject.run(o.bucket, o.key, o.fileId, JSON.stringify(o));
      return replaced;
    });
    this.deleteObjectTx = db.transaction((bucket: string, key: string) => {
      const removed = parse<ObjectRecord>(s.getObject.get(bucket, key) as Row | undefined);
      if (removed) s.deleteObject.run(bucket, key);
      return removed;
    });
    this.putPartTx = db.transaction((p: PartRecord) => {
      if (s.getUpload.get(p.uploadId) === undefined) return 'no-upload' as const;
      const replaced = parse<PartRecord>(s.getPart.get(p.uploadId, p.partNumber) as Row | undefined);
      s.putPart.run(p.uploadId, p.partNumber, p.fileId, JSON.stringify(p));
      return replaced;
    });
    this.completeTx = db.transaction((uploadId: string, o: ObjectRecord) => {
      const replaced = this.putObjectTx(o);
      const parts = this.deleteUploadTx(uploadId);
      return replaced ? { replaced, parts } : { parts };
    });
  }

  async buckets(): Promise<BucketRecord[]> {
    return parseAll<BucketRecord>(this.s.buckets.all());
  }

  async putBucket(b: BucketRecord): Promise<void> {
    this.s.putBucket.run(b.name, JSON.stringify(b));
  }

  async deleteBucket(name: string): Promise<PartRecord[] | undefined> {
    return this.deleteBucketTx(name);
  }

  async getObject(bucket: string, key: string): Promise<ObjectRecord | undefined> {
    return parse<ObjectRecord>(this.s.getObject.get(bucket, key) as Row | undefined);
  }

  async putObject(o: ObjectRecord): Promise<ObjectRecord | undefined> {
    return this.putObjectTx(o);
  }

  async deleteObject(bucket: string, key: string): Promise<ObjectRecord | undefined> {
    return this.deleteObjectTx(bucket, key);
  }

  async listObjects(bucket: string, from: string, inclusive: boolean, limit: number): Promise<ObjectRecord[]> {
    return parseAll<ObjectRecord>((inclusive ? this.s.listFrom : this.s.listAfter).all(bucket, from, limit));
  }

  async getUpload(uploadId: string): Promise<UploadRecord | undefined> {
    return parse<UploadRecord>(this.s.getUpload.get(uploadId) as Row | undefined);
  }

  async putUpload(u: UploadRecord): Promise<void> {
    this.s.putUpload.run(u.uploadId, u.bucket, u.key, JSON.stringify(u));
  }

  async uploads(bucket: string): Promise<UploadRecord[]> {
    return parseAll<UploadRecord>(this.s.uploads.all(bucket));
  }

  async putPart(p: PartRecord): Promise<PartRecord | undefined | 'no-upload'> {
    return this.putPartTx(p);
  }

  async parts(uploadId: string): Promise<PartRecord[]> {
    return parseAll<PartRecord>(this.s.parts.all(uploadId));
  }

  async deleteUpload(uploadId: string): Promise<PartRecord[]> {
    return this.deleteUploadTx(uploadId);
  }

  async completeUpload(uploadId: string, object: ObjectRecord): Promise<{ replaced?: ObjectRecord; parts: PartRecord[] }> {
    return this.completeTx(uploadId, object);
  }

  async fileIds(): Promise<Set<string>> {
    const ids = new Set<string>();
    for (const r of this.s.objectFiles.all() as { file_id: string }[]) ids.add(r.file_id);
    for (const r of this.s.partFiles.all() as { file_id: string }[]) ids.add(r.file_id);
    return ids;
  }
}

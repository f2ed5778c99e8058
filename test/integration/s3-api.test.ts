// The S3 subset through the real SDK v3 (other-services.md §1): buckets, objects with metadata, ranges and
// preconditions, aws-chunked uploads, copies, deletes, ListObjectsV2 paging and delimiters, multipart uploads with
// their ETag and errors, XML error documents, path-style and virtual-hosted addressing, and the object files on disk.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand,
  CreateMultipartUploadCommand, DeleteBucketCommand, DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand,
  HeadBucketCommand, HeadObjectCommand, ListBucketsCommand, ListObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3Client,
  UploadPartCommand, type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { expectAwsError } from '../helpers/aws-errors.js';
import { startServer, tempDir, TEST_CREDENTIALS } from '../helpers/server.js';

let srv: Awaited<ReturnType<typeof startServer>>;
let s3: S3Client;
let bucketCounter = 0;
const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');
const newBucketName = () => `b-${process.pid}-${Date.now().toString(36)}-${(bucketCounter++).toString(36)}`;

function s3Client(endpoint: string, extra: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, forcePathStyle: true, maxAttempts: 1, ...extra });
}

async function newBucket(): Promise<string> {
  const name = newBucketName();
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

async function text(bucket: string, key: string): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return out.Body!.transformToString();
}

/** A raw request, for what the SDK does not let a test send or see. */
function raw(method: string, pathAndQuery: string, headers: Record<string, string | number> = {}, body?: Buffer | string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const url = new URL(srv.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path: pathAndQuery, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

before(async () => {
  srv = await startServer({ spareRuntimes: 0 });
  s3 = s3Client(srv.url);
});
after(async () => {
  s3?.destroy();
  await srv?.close();
});

describe('buckets', () => {
  test('create, head, list and delete; the bucket region and ARN headers', async () => {
    const name = newBucketName();
    const created = await s3.send(new CreateBucketCommand({ Bucket: name }));
    assert.equal(created.Location, `/${name}`);
    const head = await s3.send(new HeadBucketCommand({ Bucket: name }));
    assert.equal(head.BucketRegion, 'us-east-1');
    const listed = await s3.send(new ListBucketsCommand({}));
    const mine = listed.Buckets!.find((b) => b.Name === name);
    assert.ok(mine, 'listed');
    assert.ok(mine.CreationDate instanceof Date);
    assert.match(listed.Owner!.ID!, /^[0-9a-f]{64}$/);
    const del = await s3.send(new DeleteBucketCommand({ Bucket: name }));
    assert.equal(del.$metadata.httpStatusCode, 204);
    await expectAwsError(s3.send(new HeadBucketCommand({ Bucket: name })), { name: 'NotFound', status: 404 });
  });

  test('a LocationConstraint sets the region', async () => {
    const name = newBucketName();
    await s3.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    assert.equal((await s3.send(new HeadBucketCommand({ Bucket: name }))).BucketRegion, 'eu-west-1');
  });

  test('errors: invalid names, a second create, a non-empty delete, a missing bucket', async () => {
    for (const bad of ['ab', 'UPPER-case', 'a..b', '192.168.1.1', '-start', 'x'.repeat(64), 'xn--punycode']) {
      await expectAwsError(s3.send(new CreateBucketCommand({ Bucket: bad })), { name: 'InvalidBucketName', status: 400, message: 'The specified bucket is not valid.' });
    }
    const name = await newBucket();
    await expectAwsError(s3.send(new CreateBucketCommand({ Bucket: name })), {
      name: 'BucketAlreadyOwnedByYou', status: 409, message: 'Your previous request to create the named bucket succeeded and you already own it.',
    });
    await s3.send(new PutObjectCommand({ Bucket: name, Key: 'k', Body: 'x' }));
    await expectAwsError(s3.send(new DeleteBucketCommand({ Bucket: name })), { name: 'BucketNotEmpty', status: 409, message: 'The bucket you tried to delete is not empty' });
    await expectAwsError(s3.send(new PutObjectCommand({ Bucket: 'no-such-bucket-here', Key: 'k', Body: 'x' })), {
      name: 'NoSuchBucket', status: 404, message: 'The specified bucket does not exist',
    });
    await expectAwsError(s3.send(new ListObjectsV2Command({ Bucket: 'no-such-bucket-here' })), { name: 'NoSuchBucket', status: 404 });
  });
});

describe('objects', () => {
  let bucket: string;
  before(async () => {
    bucket = await newBucket();
  });

  test('PutObject / GetObject / HeadObject: bytes, ETag, Content-Type, user metadata and stored headers', async () => {
    const body = 'hello, world';
    const put = await s3.send(new PutObjectCommand({
      Bucket: bucket, Key: 'dir/hello.txt', Body: body, ContentType: 'text/plain', Metadata: { colour: 'blue', 'two-words': 'a b' },
      CacheControl: 'max-age=60', ContentDisposition: 'attachment',
    }));
    assert.equal(put.ETag, `"${md5(body)}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'dir/hello.txt' }));
    assert.equal(await got.Body!.transformToString(), body);
    assert.equal(got.ETag, `"${md5(body)}"`);
    assert.equal(got.ContentType, 'text/plain');
    assert.equal(got.ContentLength, body.length);
    assert.deepEqual(got.Metadata, { colour: 'blue', 'two-words': 'a b' });
    assert.equal(got.CacheControl, 'max-age=60');
    assert.equal(got.ContentDisposition, 'attachment');
    assert.equal(got.AcceptRanges, 'bytes');
    assert.ok(got.LastModified instanceof Date);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dir/hello.txt' }));
    assert.equal(head.ContentLength, body.length);
    assert.equal(head.ETag, `"${md5(body)}"`);
    assert.deepEqual(head.Metadata, { colour: 'blue', 'two-words': 'a b' });
  });

  test('an object without a type is binary/octet-stream; an empty object; an overwrite replaces the bytes', async () => {
    // The SDK always sends a type, so the object goes up without one here.
    assert.equal((await raw('PUT', `/${bucket}/plain`, { 'Content-Length': 3 }, Buffer.from([1, 2, 3]))).status, 200);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'plain' }));
    assert.equal(got.ContentType, 'binary/octet-stream');
    assert.deepEqual([...(await got.Body!.transformToByteArray())], [1, 2, 3]);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'empty', Body: '' }));
    assert.equal(await text(bucket, 'empty'), '');
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'empty' }))).ETag, `"${md5('')}"`);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain', Body: 'second' }));
    assert.equal(await text(bucket, 'plain'), 'second');
  });

  test('keys with spaces, unicode, and reserved characters round-trip', async () => {
    for (const key of ['with space.txt', 'ünïcödé/日本語.txt', 'a+b=c&d?e#f.txt', 'x//double/slash', '%41 not decoded twice']) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
      assert.equal(await text(bucket, key), key, key);
    }
  });

  test('a streamed body arrives aws-chunked and is stored decoded', async () => {
    const data = randomBytes(300_000);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'streamed', Body: Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]), ContentLength: data.length }));
    const got = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'streamed' }))).Body!.transformToByteArray());
    assert.equal(got.length, data.length);
    assert.ok(got.equals(data));
  });

  test('a hand-made aws-chunked body with chunk signatures and a trailer; a short one is IncompleteBody', async () => {
    const chunked = '5;chunk-signature=abc\r\nhello\r\n6;chunk-signature=def\r\n world\r\n0;chunk-signature=0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n';
    const headers = { 'Content-Encoding': 'aws-chunked', 'x-amz-decoded-content-length': 11, 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'Content-Length': chunked.length };
    const ok = await raw('PUT', `/${bucket}/chunked`, headers, chunked);
    assert.equal(ok.status, 200, ok.body);
    assert.equal(ok.headers.etag, `"${md5('hello world')}"`);
    assert.equal(await text(bucket, 'chunked'), 'hello world');
    const bad = await raw('PUT', `/${bucket}/chunked`, { ...headers, 'x-amz-decoded-content-length': 12 }, chunked);
    assert.equal(bad.status, 400);
    assert.match(bad.body, /<Code>IncompleteBody<\/Code>/);
    assert.equal(await text(bucket, 'chunked'), 'hello world', 'the failed upload changed nothing');
  });

  test('Expect: 100-continue is answered and the body stored', async () => {
    const res = await raw('PUT', `/${bucket}/expect`, { Expect: '100-continue', 'Content-Length': 4 }, 'data');
    assert.equal(res.status, 200);
    assert.equal(await text(bucket, 'expect'), 'data');
  });

  test('Content-MD5: a matching digest is accepted, a wrong one is BadDigest and stores nothing', async () => {
    const body = 'digest me';
    const good = createHash('md5').update(body).digest('base64');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'md5', Body: body, ContentMD5: good }));
    const wrong = createHash('md5').update('other').digest('base64');
    await expectAwsError(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'md5-bad', Body: body, ContentMD5: wrong })), {
      name: 'BadDigest', status: 400, message: 'The Content-MD5 you specified did not match what we received.',
    });
    await expectAwsError(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'md5-bad' })), { name: 'NotFound', status: 404 });
  });

  test('Range: 206 with Content-Range for a-b, a- and -n; past the end is 416 InvalidRange', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'digits', Body: '0123456789' }));
    const get = (Range: string) => s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'digits', Range }));
    for (const [range, want, contentRange] of [['bytes=2-4', '234', 'bytes 2-4/10'], ['bytes=7-', '789', 'bytes 7-9/10'], ['bytes=-2', '89', 'bytes 8-9/10'], ['bytes=8-100', '89', 'bytes 8-9/10']] as const) {
      const out = await get(range);
      assert.equal(out.$metadata.httpStatusCode, 206, range);
      assert.equal(out.ContentRange, contentRange);
      assert.equal(out.ContentLength, want.length);
      assert.equal(await out.Body!.transformToString(), want);
    }
    await expectAwsError(get('bytes=10-12'), { name: 'InvalidRange', status: 416, message: 'The requested range is not satisfiable' });
  });

  test('preconditions: If-Match / If-Unmodified-Since → 412; If-None-Match / If-Modified-Since → 304', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'cond', Body: 'c' }));
    const get = (extra: Record<string, unknown>) => s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond', ...extra }));
    assert.equal(await (await get({ IfMatch: put.ETag })).Body!.transformToString(), 'c');
    await expectAwsError(get({ IfMatch: '"0000"' }), { name: 'PreconditionFailed', status: 412, message: 'At least one of the pre-conditions you specified did not hold' });
    await expectAwsError(get({ IfUnmodifiedSince: new Date(Date.now() - 3600_000) }), { name: 'PreconditionFailed', status: 412 });
    for (const extra of [{ IfNoneMatch: put.ETag }, { IfModifiedSince: new Date(Date.now() + 3600_000) }]) {
      const err = await get(extra).then(() => undefined, (e: { $metadata?: { httpStatusCode?: number } }) => e);
      assert.equal(err?.$metadata?.httpStatusCode, 304, JSON.stringify(extra));
    }
    const notModified = await raw('GET', `/${bucket}/cond`, { 'If-None-Match': put.ETag! });
    assert.equal(notModified.status, 304);
    assert.equal(notModified.body, '');
    assert.equal(await (await get({ IfNoneMatch: '"0000"' })).Body!.transformToString(), 'c');
    await expectAwsError(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'cond', Body: 'd', IfNoneMatch: '*' })), { name: 'PreconditionFailed', status: 412 });
    assert.equal(await text(bucket, 'cond'), 'c');
  });

  test('a missing key: GetObject NoSuchKey as an XML <Error>, HeadObject 404 without a body', async () => {
    await expectAwsError(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'nope' })), { name: 'NoSuchKey', status: 404, message: 'The specified key does not exist.' });
    const res = await raw('GET', `/${bucket}/nope`);
    assert.equal(res.status, 404);
    assert.equal(res.headers['content-type'], 'application/xml');
    assert.match(res.body, /^<\?xml version="1.0" encoding="UTF-8"\?>\s*<Error><Code>NoSuchKey<\/Code><Message>The specified key does not exist.<\/Message><Key>nope<\/Key><RequestId>[^<]+<\/RequestId><HostId>[^<]+<\/HostId><\/Error>$/);
    assert.ok(res.headers['x-amz-request-id']);
    const head = await raw('HEAD', `/${bucket}/nope`);
    assert.equal(head.status, 404);
    assert.equal(head.body, '');
  });

  test('CopyObject: COPY keeps the metadata, REPLACE takes the request\'s; copying onto itself needs REPLACE', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'src file', Body: 'copy me', ContentType: 'text/x-src', Metadata: { a: '1' } }));
    const other = await newBucket();
    const copied = await s3.send(new CopyObjectCommand({ Bucket: other, Key: 'dst', CopySource: `${bucket}/${encodeURIComponent('src file')}` }));
    assert.equal(copied.CopyObjectResult!.ETag, `"${md5('copy me')}"`);
    assert.ok(copied.CopyObjectResult!.LastModified instanceof Date);
    const dst = await s3.send(new GetObjectCommand({ Bucket: other, Key: 'dst' }));
    assert.equal(await dst.Body!.transformToString(), 'copy me');
    assert.equal(dst.ContentType, 'text/x-src');
    assert.deepEqual(dst.Metadata, { a: '1' });
    await s3.send(new CopyObjectCommand({
      Bucket: other, Key: 'dst2', CopySource: `/${bucket}/src%20file`, MetadataDirective: 'REPLACE', Metadata: { b: '2' }, ContentType: 'text/plain',
    }));
    const dst2 = await s3.send(new HeadObjectCommand({ Bucket: other, Key: 'dst2' }));
    assert.deepEqual(dst2.Metadata, { b: '2' });
    assert.equal(dst2.ContentType, 'text/plain');
    await expectAwsError(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'src file', CopySource: `${bucket}/src%20file` })), {
      name: 'InvalidRequest', status: 400, message: /copy an object to itself without changing the object's metadata/,
    });
    await expectAwsError(s3.send(new CopyObjectCommand({ Bucket: other, Key: 'x', CopySource: `${bucket}/missing` })), { name: 'NoSuchKey', status: 404 });
  });

  test('DeleteObject is 204 whether or not the key exists; DeleteObjects lists each key (or nothing when Quiet)', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'del-1', Body: '1' }));
    assert.equal((await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'del-1' }))).$metadata.httpStatusCode, 204);
    assert.equal((await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'del-1' }))).$metadata.httpStatusCode, 204);
    for (const k of ['m1', 'm2', 'm3']) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
    const out = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'm1' }, { Key: 'm2' }, { Key: 'never-there' }] } }));
    assert.deepEqual(out.Deleted!.map((d) => d.Key).sort(), ['m1', 'm2', 'never-there']);
    assert.equal(out.Errors, undefined);
    const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'm3' }], Quiet: true } }));
    assert.equal(quiet.Deleted, undefined);
    await expectAwsError(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'm3' })), { name: 'NotFound', status: 404 });
  });
});

describe('ListObjectsV2', () => {
  let bucket: string;
  const keys = ['a.txt', 'b/1.txt', 'b/2.txt', 'b/c/3.txt', 'c d/4.txt', 'z.txt'];
  before(async () => {
    bucket = await newBucket();
    for (const k of keys) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
  });
  const list = (extra: Record<string, unknown> = {}) => s3.send(new ListObjectsV2Command({ Bucket: bucket, ...extra }));

  test('every key in order with size, ETag and storage class', async () => {
    const out = await list();
    assert.deepEqual(out.Contents!.map((c) => c.Key), keys);
    assert.equal(out.KeyCount, keys.length);
    assert.equal(out.IsTruncated, false);
    assert.equal(out.Contents![0]!.Size, 'a.txt'.length);
    assert.equal(out.Contents![0]!.ETag, `"${md5('a.txt')}"`);
    assert.equal(out.Contents![0]!.StorageClass, 'STANDARD');
  });

  test('prefix and delimiter: CommonPrefixes roll up the keys below', async () => {
    const top = await list({ Delimiter: '/' });
    assert.deepEqual(top.Contents!.map((c) => c.Key), ['a.txt', 'z.txt']);
    assert.deepEqual(top.CommonPrefixes!.map((p) => p.Prefix), ['b/', 'c d/']);
    assert.equal(top.KeyCount, 4);
    const inB = await list({ Prefix: 'b/', Delimiter: '/' });
    assert.deepEqual(inB.Contents!.map((c) => c.Key), ['b/1.txt', 'b/2.txt']);
    assert.deepEqual(inB.CommonPrefixes!.map((p) => p.Prefix), ['b/c/']);
    assert.equal(inB.Prefix, 'b/');
    const none = await list({ Prefix: 'nothing/' });
    assert.equal(none.Contents, undefined);
    assert.equal(none.KeyCount, 0);
  });

  test('max-keys pages with continuation tokens; start-after', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await list({ MaxKeys: 2, ...(token ? { ContinuationToken: token } : {}) });
      pages++;
      seen.push(...page.Contents!.map((c) => c.Key!));
      assert.equal(page.MaxKeys, 2);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
      if (page.IsTruncated) assert.ok(token);
    } while (token);
    assert.deepEqual(seen, keys);
    assert.equal(pages, 3);
    const after = await list({ StartAfter: 'b/2.txt' });
    assert.deepEqual(after.Contents!.map((c) => c.Key), ['b/c/3.txt', 'c d/4.txt', 'z.txt']);
    const paged = await list({ Delimiter: '/', MaxKeys: 2 });
    assert.equal(paged.IsTruncated, true);
    const rest = await list({ Delimiter: '/', MaxKeys: 2, ContinuationToken: paged.NextContinuationToken });
    assert.deepEqual([...(paged.Contents ?? []), ...(paged.CommonPrefixes ?? []), ...(rest.Contents ?? []), ...(rest.CommonPrefixes ?? [])].length, 4);
    assert.deepEqual(rest.Contents!.map((c) => c.Key), ['z.txt']);
    assert.deepEqual(rest.CommonPrefixes!.map((p) => p.Prefix), ['c d/']);
  });

  test('ListObjects (v1): Marker / NextMarker paging', async () => {
    const first = await s3.send(new ListObjectsCommand({ Bucket: bucket, MaxKeys: 4 }));
    assert.deepEqual(first.Contents!.map((c) => c.Key), keys.slice(0, 4));
    assert.equal(first.IsTruncated, true);
    const rest = await s3.send(new ListObjectsCommand({ Bucket: bucket, Marker: first.Contents![3]!.Key }));
    assert.deepEqual(rest.Contents!.map((c) => c.Key), keys.slice(4));
    assert.equal(rest.IsTruncated, false);
    const delimited = await s3.send(new ListObjectsCommand({ Bucket: bucket, Delimiter: '/', MaxKeys: 2 }));
    assert.equal(delimited.NextMarker, 'b/');
  });

  test('encoding-type=url encodes keys and prefixes and says so', async () => {
    const out = await list({ EncodingType: 'url', Delimiter: '/' });
    assert.equal(out.EncodingType, 'url');
    assert.deepEqual(out.CommonPrefixes!.map((p) => p.Prefix), ['b/', 'c%20d/']);
    const plain = await list({ Delimiter: '/' });
    assert.equal(plain.EncodingType, undefined);
    assert.deepEqual(plain.CommonPrefixes!.map((p) => p.Prefix), ['b/', 'c d/']);
  });
});

describe('multipart upload', () => {
  let bucket: string;
  const MiB = 1024 * 1024;
  before(async () => {
    bucket = await newBucket();
  });

  async function upload(key: string, parts: Buffer[]) {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: 'application/x-test', Metadata: { via: 'multipart' } }));
    const etags: string[] = [];
    for (const [i, p] of parts.entries()) {
      etags.push((await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: i + 1, Body: p }))).ETag!);
    }
    return { uploadId: UploadId!, etags };
  }

  test('parts join into the object; the ETag is the MD5 of the part MD5s with the part count', async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(1234)];
    const { uploadId, etags } = await upload('big.bin', parts);
    assert.deepEqual(etags, parts.map((p) => `"${md5(p)}"`));
    const done = await s3.send(new CompleteMultipartUploadCommand({
      Bucket: bucket, Key: 'big.bin', UploadId: uploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
    }));
    const expected = `"${createHash('md5').update(Buffer.concat(parts.map((p) => createHash('md5').update(p).digest()))).digest('hex')}-2"`;
    assert.equal(done.ETag, expected);
    assert.equal(done.Bucket, bucket);
    assert.equal(done.Key, 'big.bin');
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big.bin' }));
    assert.equal(got.ETag, expected);
    assert.equal(got.ContentType, 'application/x-test');
    assert.deepEqual(got.Metadata, { via: 'multipart' });
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat(parts)));
    await expectAwsError(s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'big.bin', UploadId: uploadId })), { name: 'NoSuchUpload', status: 404 });
  });

  test('errors: a small non-final part, parts out of order, an unknown part or ETag; abort ends the upload', async () => {
    const { uploadId, etags } = await upload('small.bin', [Buffer.from('first'), Buffer.from('second')]);
    const complete = (parts: { ETag: string; PartNumber: number }[]) =>
      s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'small.bin', UploadId: uploadId, MultipartUpload: { Parts: parts } }));
    await expectAwsError(complete([{ ETag: etags[0]!, PartNumber: 1 }, { ETag: etags[1]!, PartNumber: 2 }]), {
      name: 'EntityTooSmall', status: 400, message: 'Your proposed upload is smaller than the minimum allowed size',
    });
    await expectAwsError(complete([{ ETag: etags[1]!, PartNumber: 2 }, { ETag: etags[0]!, PartNumber: 1 }]), { name: 'InvalidPartOrder', status: 400 });
    await expectAwsError(complete([{ ETag: etags[0]!, PartNumber: 3 }]), { name: 'InvalidPart', status: 400 });
    await expectAwsError(complete([{ ETag: '"ffff"', PartNumber: 1 }]), { name: 'InvalidPart', status: 400 });
    // One part is also the last: any size will do.
    const single = await complete([{ ETag: etags[0]!, PartNumber: 1 }]);
    assert.match(single.ETag!, /^"[0-9a-f]{32}-1"$/);
    assert.equal(await text(bucket, 'small.bin'), 'first');

    const aborted = await upload('aborted.bin', [Buffer.from('x')]);
    const abort = await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'aborted.bin', UploadId: aborted.uploadId }));
    assert.equal(abort.$metadata.httpStatusCode, 204);
    await expectAwsError(s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'aborted.bin', UploadId: aborted.uploadId, PartNumber: 2, Body: 'y' })), {
      name: 'NoSuchUpload', status: 404,
    });
    await expectAwsError(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'aborted.bin' })), { name: 'NotFound', status: 404 });
  });
});

describe('addressing', () => {
  test('virtual-hosted style: <bucket>.localhost reaches the bucket (JS v3 default)', async () => {
    const port = new URL(srv.url).port;
    // The SDK builds http://<bucket>.localhost:<port>/<key>; the connection goes to 127.0.0.1 with that Host header.
    const client = s3Client(`http://localhost:${port}`, { forcePathStyle: false });
    const hosts: string[] = [];
    client.middlewareStack.add((next) => async (args) => {
      const request = args.request as { hostname: string; headers: Record<string, string> };
      request.headers.host = `${request.hostname}:${port}`;
      hosts.push(request.hostname);
      request.hostname = '127.0.0.1';
      return next(args);
    }, { step: 'finalizeRequest', name: 'connectToLoopback' });
    try {
      const bucket = newBucketName();
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'dir/v host.txt', Body: 'virtual' }));
      assert.equal(await text(bucket, 'dir/v host.txt'), 'virtual', 'path style sees what virtual-host style wrote');
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'dir/v host.txt' }));
      assert.equal(await got.Body!.transformToString(), 'virtual');
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      assert.deepEqual(listed.Contents!.map((c) => c.Key), ['dir/v host.txt']);
      assert.ok(hosts.every((h) => h === `${bucket}.localhost`), `hosts used: ${hosts.join(', ')}`);
    } finally {
      client.destroy();
    }
  });

  test('a presigned URL (credential scope in the query) reaches S3; its X-Amz-* parameters select no operation', async () => {
    const bucket = await newBucket();
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'shared.txt', Body: 'presigned' }));
    const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const query = new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256', 'X-Amz-Credential': `test/${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`, 'X-Amz-Date': amzDate,
      'X-Amz-Expires': '900', 'X-Amz-SignedHeaders': 'host', 'X-Amz-Signature': 'a'.repeat(64), 'x-id': 'GetObject',
    });
    const res = await raw('GET', `/${bucket}/shared.txt?${query}`);
    assert.equal(res.status, 200);
    assert.equal(res.body, 'presigned');
    // A path Lambda would take unsigned goes to S3 when the request is signed for s3.
    const put = await raw('PUT', `/2015-03-31/functions?${query}`, { 'Content-Length': 1 }, 'x');
    assert.equal(put.status, 404);
    assert.match(put.body, /<Code>NoSuchBucket<\/Code>/);
    const create = await raw('PUT', `/2015-03-31?${query}`, { 'Content-Length': 0 });
    assert.equal(create.status, 200, create.body);
    assert.equal((await s3.send(new HeadBucketCommand({ Bucket: '2015-03-31' }))).$metadata.httpStatusCode, 200);
  });

  test('--host-name: <bucket>.<host name> is virtual-hosted; the bare name and IP addresses are path style', async () => {
    const other = await startServer({ spareRuntimes: 0, hostName: 'lambkin.test' });
    const url = new URL(other.url);
    const send = (host: string, method: string, p: string, body?: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, method, path: p, headers: { Host: `${host}:${url.port}`, 'Content-Length': Buffer.byteLength(body ?? '') } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
    try {
      assert.equal((await send('lambkin.test', 'PUT', '/named')).status, 200, 'path style on the bare name');
      assert.equal((await send('named.lambkin.test', 'PUT', '/k.txt', 'by host')).status, 200);
      assert.equal((await send('127.0.0.1', 'GET', '/named/k.txt')).body, 'by host');
      assert.equal((await send('named.localhost', 'GET', '/k.txt')).body, 'by host', 'localhost always works');
      const listed = await send('lambkin.test', 'GET', '/named?list-type=2');
      assert.match(listed.body, /<Key>k\.txt<\/Key>/);
    } finally {
      await other.close();
    }
  });

  test('unsupported sub-resources are 501 NotImplemented, not another operation', async () => {
    const bucket = await newBucket();
    const res = await raw('GET', `/${bucket}?acl`);
    assert.equal(res.status, 501);
    assert.match(res.body, /<Code>NotImplemented<\/Code>/);
  });
});

describe('object files', () => {
  test('a multipart upload in progress survives a restart: its parts are kept and it completes afterwards', async () => {
    const dataDir = tempDir();
    const MiB = 1024 * 1024;
    const parts = [randomBytes(5 * MiB), randomBytes(100)];
    let server = await startServer({ dataDir, spareRuntimes: 0 });
    let client = s3Client(server.url);
    let uploadId: string;
    let first: string;
    try {
      await client.send(new CreateBucketCommand({ Bucket: 'mpu-restart' }));
      uploadId = (await client.send(new CreateMultipartUploadCommand({ Bucket: 'mpu-restart', Key: 'k' }))).UploadId!;
      first = (await client.send(new UploadPartCommand({ Bucket: 'mpu-restart', Key: 'k', UploadId: uploadId, PartNumber: 1, Body: parts[0] }))).ETag!;
    } finally {
      client.destroy();
      await server.close();
    }
    server = await startServer({ dataDir, spareRuntimes: 0 });
    client = s3Client(server.url);
    try {
      const second = (await client.send(new UploadPartCommand({ Bucket: 'mpu-restart', Key: 'k', UploadId: uploadId, PartNumber: 2, Body: parts[1] }))).ETag!;
      await client.send(new CompleteMultipartUploadCommand({
        Bucket: 'mpu-restart', Key: 'k', UploadId: uploadId, MultipartUpload: { Parts: [{ ETag: first, PartNumber: 1 }, { ETag: second, PartNumber: 2 }] },
      }));
      const got = await client.send(new GetObjectCommand({ Bucket: 'mpu-restart', Key: 'k' }));
      assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat(parts)));
      assert.equal(fs.readdirSync(path.join(dataDir, 's3', 'objects')).length, 1, 'the part files went with the upload');
    } finally {
      client.destroy();
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('objects survive a restart; leftover temporary and unreferenced files are removed at start', async () => {
    const dataDir = tempDir();
    let server = await startServer({ dataDir, spareRuntimes: 0 });
    let client = s3Client(server.url);
    try {
      await client.send(new CreateBucketCommand({ Bucket: 'persist-bucket' }));
      await client.send(new PutObjectCommand({ Bucket: 'persist-bucket', Key: 'k', Body: 'kept' }));
      await client.send(new PutObjectCommand({ Bucket: 'persist-bucket', Key: 'k', Body: 'kept, version 2' }));
    } finally {
      client.destroy();
      await server.close();
    }
    const objectsDir = path.join(dataDir, 's3', 'objects');
    assert.equal(fs.readdirSync(objectsDir).length, 1, 'the overwritten file was removed');
    fs.writeFileSync(path.join(dataDir, 's3', 'tmp', 'half-written'), 'x');
    fs.writeFileSync(path.join(objectsDir, 'f'.repeat(32)), 'never committed');
    server = await startServer({ dataDir, spareRuntimes: 0 });
    client = s3Client(server.url);
    try {
      const got = await client.send(new GetObjectCommand({ Bucket: 'persist-bucket', Key: 'k' }));
      assert.equal(await got.Body!.transformToString(), 'kept, version 2');
      assert.deepEqual(fs.readdirSync(path.join(dataDir, 's3', 'tmp')), []);
      assert.equal(fs.readdirSync(objectsDir).length, 1);
    } finally {
      client.destroy();
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

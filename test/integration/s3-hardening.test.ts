// S3 under stress and at its edges, through the real SDK v3 and raw HTTP: multipart completions racing each other,
// aborts and bucket deletions (one winner, no 5xx, one event); the key limit on multipart; request documents
// validated against S3's schema; interrupted uploads and downloads (no internal error, no leftover file); early
// body failures leave no temporary file; UploadPartCopy; ListParts / ListMultipartUploads paging; presigned URL
// expiry (SigV4 and SigV2) and SigV2 routing; request validation (x-amz-content-sha256, Content-Length, metadata
// size, LocationConstraint, URI encoding, copy-source versions, flexible checksums); destinations in other regions.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand,
  DeleteBucketCommand, GetBucketNotificationConfigurationCommand, GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand,
  ListPartsCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client, UploadPartCommand, UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { AddPermissionCommand, CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createLambkin, type Lambkin } from '../../src/app.js';
import { createQueue, fnArn, queueDepth, receiveJson } from '../helpers/async.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { deploy } from '../helpers/functions.js';
import { capturedLogger } from '../helpers/logs.js';
import { lambdaClient, tempDir, TEST_CREDENTIALS, waitFor } from '../helpers/server.js';

const MiB = 1024 * 1024;
const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');
let bucketCounter = 0;
const newBucketName = () => `h-${process.pid}-${Date.now().toString(36)}-${(bucketCounter++).toString(36)}`;

/** The server's own log lines (pino JSON). */
const { logger: captured, lines: logLines } = capturedLogger('debug');

let app: Lambkin;
let dataDir: string;
let s3: S3Client;
let sqs: SQSClient;
const tmpDir = () => path.join(dataDir, 's3', 'tmp');

before(async () => {
  dataDir = tempDir();
  app = await createLambkin({ port: 0, dataDir, spareRuntimes: 0, logLevel: 'debug' }, captured);
  s3 = new S3Client({ endpoint: app.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, forcePathStyle: true, maxAttempts: 1 });
  sqs = new SQSClient({ endpoint: app.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
});
after(async () => {
  s3?.destroy();
  sqs?.destroy();
  await app?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function newBucket(region?: string): Promise<string> {
  const name = newBucketName();
  await s3.send(new CreateBucketCommand({ Bucket: name, ...(region ? { CreateBucketConfiguration: { LocationConstraint: region as never } } : {}) }));
  return name;
}

type Raw = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** A raw request, for what the SDK does not let a test send or see. */
function raw(method: string, pathAndQuery: string, headers: Record<string, string | number> = {}, body?: Buffer | string): Promise<Raw> {
  const url = new URL(app.url);
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

/** Bytes written as they are on a socket (no Content-Length or Transfer-Encoding added). */
function rawSocket(request: string): Promise<string> {
  const url = new URL(app.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname, () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      if (/\r\n\r\n[\s\S]*<\/Error>/.test(Buffer.concat(chunks).toString())) socket.end();
    });
    socket.on('end', () => resolve(Buffer.concat(chunks).toString()));
    socket.on('error', reject);
  });
}

/** The HTTP status of an SDK call, successful or not. */
async function statusOf(p: Promise<{ $metadata: { httpStatusCode?: number } }>): Promise<{ status: number; code?: string }> {
  try {
    return { status: (await p).$metadata.httpStatusCode! };
  } catch (err) {
    const e = err as { $metadata?: { httpStatusCode?: number }; name: string };
    return { status: e.$metadata?.httpStatusCode ?? 0, code: e.name };
  }
}

async function uploadWithParts(bucket: string, key: string, parts: Buffer[]) {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const Parts: { PartNumber: number; ETag: string }[] = [];
  for (const [i, body] of parts.entries()) {
    const out = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: i + 1, Body: body }));
    Parts.push({ PartNumber: i + 1, ETag: out.ETag! });
  }
  return { uploadId: UploadId!, parts: Parts };
}

const complete = (bucket: string, key: string, u: { uploadId: string; parts: { PartNumber: number; ETag: string }[] }) =>
  s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: u.uploadId, MultipartUpload: { Parts: u.parts } }));

const internalErrors = () => logLines.filter((l) => l.level >= 50);

describe('multipart races', () => {
  test('CompleteMultipartUpload racing AbortMultipartUpload: one wins cleanly, never a 5xx or a half object', async () => {
    const bucket = await newBucket();
    // The abort is sent at different points of the completion (which joins 20 MiB of parts), to meet it mid-way.
    for (const [round, delayMs] of [0, 2, 5, 10, 20, 40].entries()) {
      const key = `race-${round}`;
      const data = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(5 * MiB)];
      const u = await uploadWithParts(bucket, key, data);
      const completing = statusOf(complete(bucket, key, u));
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const [c, a] = await Promise.all([completing, statusOf(s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: u.uploadId })))]);
      const head = await statusOf(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
      if (c.status === 200) {
        assert.deepEqual(a, { status: 404, code: 'NoSuchUpload' }, `round ${round}`);
        const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        assert.equal(md5(Buffer.from(await got.Body!.transformToByteArray())), md5(Buffer.concat(data)));
      } else {
        assert.deepEqual(c, { status: 404, code: 'NoSuchUpload' }, `round ${round}`);
        assert.equal(a.status, 204);
        assert.equal(head.status, 404);
      }
    }
    assert.deepEqual(internalErrors(), []);
  });

  test('CompleteMultipartUpload racing DeleteBucket: the object is made (bucket not empty) or the bucket goes (404)', async () => {
    for (const [round, delayMs] of [0, 2, 5, 10, 20, 40].entries()) {
      const bucket = await newBucket();
      const u = await uploadWithParts(bucket, 'k', [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(2 * MiB)]);
      const completing = statusOf(complete(bucket, 'k', u));
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const [c, d] = await Promise.all([completing, statusOf(s3.send(new DeleteBucketCommand({ Bucket: bucket })))]);
      if (c.status === 200) {
        assert.deepEqual(d, { status: 409, code: 'BucketNotEmpty' }, `round ${round}`);
      } else {
        assert.equal(c.status, 404, `round ${round}: ${c.code}`);
        assert.ok(c.code === 'NoSuchBucket' || c.code === 'NoSuchUpload', c.code);
        assert.equal(d.status, 204);
      }
    }
    assert.deepEqual(internalErrors(), []);
  });

  test('eight concurrent completions of one upload: one succeeds, the others are NoSuchUpload; one object write, one event', async () => {
    const bucket = await newBucket();
    const queue = await createQueue(sqs, 'mpu');
    await s3.send(new PutBucketNotificationConfigurationCommand({
      Bucket: bucket, NotificationConfiguration: { QueueConfigurations: [{ QueueArn: queue.arn, Events: ['s3:ObjectCreated:*'] }] },
    }));
    await receiveJson(sqs, queue.url, 1, 10_000, 'the test event');
    const u = await uploadWithParts(bucket, 'once', [randomBytes(5 * MiB), randomBytes(1000)]);
    const results = await Promise.all(Array.from({ length: 8 }, () => statusOf(complete(bucket, 'once', u))));
    assert.equal(results.filter((r) => r.status === 200).length, 1, JSON.stringify(results));
    assert.deepEqual(results.filter((r) => r.status !== 200).map((r) => r.code), Array(7).fill('NoSuchUpload'));
    assert.equal(await queueDepth(sqs, queue.url), 1, 'one ObjectCreated event');
    assert.deepEqual(internalErrors(), []);
  });

  test('a key over 1,024 bytes is KeyTooLongError for CreateMultipartUpload too', async () => {
    const bucket = await newBucket();
    await expectAwsError(s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'k'.repeat(2000) })), { name: 'KeyTooLongError', status: 400 });
    assert.equal((await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads, undefined);
  });
});

describe('request documents', () => {
  test('PutBucketNotificationConfiguration: a wrong root or an unknown element is MalformedXML and changes nothing', async () => {
    const bucket = await newBucket();
    const queue = await createQueue(sqs, 'nc');
    await s3.send(new PutBucketNotificationConfigurationCommand({
      Bucket: bucket, NotificationConfiguration: { QueueConfigurations: [{ Id: 'keep', QueueArn: queue.arn, Events: ['s3:ObjectCreated:*'] }] },
    }));
    for (const body of ['<Foo><Bar/></Foo>', '<NotificationConfiguration><Garbage>1</Garbage></NotificationConfiguration>',
      `<NotificationConfiguration><QueueConfiguration><Queue>${queue.arn}</Queue><Event>s3:ObjectCreated:*</Event><Bogus/></QueueConfiguration></NotificationConfiguration>`]) {
      const res = await raw('PUT', `/${bucket}?notification`, { 'Content-Type': 'application/xml' }, body);
      assert.equal(res.status, 400, body);
      assert.match(res.body, /<Code>MalformedXML<\/Code>/);
      assert.match(res.body, /The XML you provided was not well-formed or did not validate against our published schema/);
    }
    const got = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
    assert.equal(got.QueueConfigurations?.[0]?.Id, 'keep');
  });

  test('CreateBucketConfiguration, Delete and CompleteMultipartUpload documents: wrong root or unknown elements are MalformedXML', async () => {
    const created = await raw('PUT', `/${newBucketName()}`, {}, '<Foo><LocationConstraint>eu-west-1</LocationConstraint></Foo>');
    assert.equal(created.status, 400);
    assert.match(created.body, /MalformedXML/);
    const bucket = await newBucket();
    const md5b64 = (s: string) => createHash('md5').update(s).digest('base64');
    for (const body of ['<Remove><Object><Key>a</Key></Object></Remove>', '<Delete><Object><Key>a</Key><Colour>red</Colour></Object></Delete>']) {
      const res = await raw('POST', `/${bucket}?delete`, { 'Content-MD5': md5b64(body) }, body);
      assert.equal(res.status, 400, body);
      assert.match(res.body, /MalformedXML/);
    }
    const u = await uploadWithParts(bucket, 'x', [Buffer.from('x')]);
    for (const body of [`<Finish><Part><PartNumber>1</PartNumber><ETag>${u.parts[0]!.ETag}</ETag></Part></Finish>`,
      `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${u.parts[0]!.ETag}</ETag><Extra/></Part></CompleteMultipartUpload>`]) {
      const res = await raw('POST', `/${bucket}/x?uploadId=${encodeURIComponent(u.uploadId)}`, {}, body);
      assert.equal(res.status, 400, body);
      assert.match(res.body, /MalformedXML/);
    }
    assert.equal((await complete(bucket, 'x', u)).$metadata.httpStatusCode, 200, 'the upload is still there');
  });
});

describe('interrupted requests and temporary files', () => {
  test('an aws-chunked body that fails at once leaves no temporary file', async () => {
    const bucket = await newBucket();
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => raw('PUT', `/${bucket}/bad-${i}`,
        { 'Content-Encoding': 'aws-chunked', 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' }, 'zz;x\r\n')));
      assert.deepEqual(answers.map((a) => a.status), Array(16).fill(400));
      assert.deepEqual(fs.readdirSync(tmpDir()), []);
    }
  });

  test('a client that disconnects mid-upload or mid-download is no internal error and leaves no temporary file', async () => {
    const bucket = await newBucket();
    const before = logLines.length;
    const url = new URL(app.url);
    await new Promise<void>((resolve) => {
      const req = http.request({ host: url.hostname, port: url.port, method: 'PUT', path: `/${bucket}/partial`, headers: { 'Content-Length': 4 * MiB } });
      req.on('error', () => resolve());
      req.write(randomBytes(256 * 1024), () => setImmediate(() => {
        req.destroy();
        resolve();
      }));
    });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'big', Body: randomBytes(16 * MiB) }));
    await new Promise<void>((resolve) => {
      const req = http.get({ host: url.hostname, port: url.port, path: `/${bucket}/big` }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => resolve());
    });
    await waitFor('both disconnects seen', () => logLines.slice(before).filter((l) => l.msg === 's3: client disconnected').length >= 2);
    await waitFor('no temporary file', () => fs.readdirSync(tmpDir()).length === 0);
    assert.deepEqual(internalErrors(), []);
    await expectAwsError(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'partial' })), { name: 'NotFound', status: 404 });
  });
});

describe('UploadPartCopy and multipart listings', () => {
  test('UploadPartCopy copies an object or a byte range of it into a part', async () => {
    const bucket = await newBucket();
    const other = await newBucket();
    const source = randomBytes(6 * MiB + 77);
    await s3.send(new PutObjectCommand({ Bucket: other, Key: 'src/obj ü', Body: source }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'copied' }));
    const copySource = `${other}/${encodeURIComponent('src/obj ü')}`;
    const p1 = await s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'copied', UploadId, PartNumber: 1, CopySource: copySource, CopySourceRange: `bytes=0-${5 * MiB - 1}` }));
    assert.equal(p1.CopyPartResult!.ETag, `"${md5(source.subarray(0, 5 * MiB))}"`);
    assert.ok(p1.CopyPartResult!.LastModified instanceof Date);
    const p2 = await s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'copied', UploadId, PartNumber: 2, CopySource: copySource }));
    await s3.send(new CompleteMultipartUploadCommand({
      Bucket: bucket, Key: 'copied', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.CopyPartResult!.ETag }, { PartNumber: 2, ETag: p2.CopyPartResult!.ETag }] },
    }));
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'copied' }));
    assert.equal(md5(Buffer.from(await got.Body!.transformToByteArray())), md5(Buffer.concat([source.subarray(0, 5 * MiB), source])));
    const { UploadId: u2 } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'c2' }));
    await expectAwsError(s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'c2', UploadId: u2, PartNumber: 1, CopySource: copySource, CopySourceRange: `bytes=0-${source.length}` })),
      { name: 'InvalidArgument', status: 400, message: `Range specified is not valid for source object of size: ${source.length}` });
    await expectAwsError(s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'c2', UploadId: u2, PartNumber: 1, CopySource: `${other}/missing` })), { name: 'NoSuchKey', status: 404 });
  });

  test('ListParts pages with max-parts and part-number-marker and names the initiator and owner', async () => {
    const bucket = await newBucket();
    const u = await uploadWithParts(bucket, 'paged', [Buffer.from('1'), Buffer.from('2'), Buffer.from('3'), Buffer.from('4'), Buffer.from('5')]);
    const first = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'paged', UploadId: u.uploadId, MaxParts: 2 }));
    assert.deepEqual(first.Parts!.map((p) => p.PartNumber), [1, 2]);
    assert.equal(first.IsTruncated, true);
    assert.equal(first.NextPartNumberMarker, '2');
    assert.equal(first.MaxParts, 2);
    assert.match(first.Initiator!.ID!, /^[0-9a-f]{64}$/);
    assert.equal(first.Owner!.ID, first.Initiator!.ID);
    const second = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'paged', UploadId: u.uploadId, MaxParts: 2, PartNumberMarker: first.NextPartNumberMarker }));
    assert.deepEqual(second.Parts!.map((p) => p.PartNumber), [3, 4]);
    const last = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'paged', UploadId: u.uploadId, MaxParts: 2, PartNumberMarker: second.NextPartNumberMarker }));
    assert.deepEqual(last.Parts!.map((p) => p.PartNumber), [5]);
    assert.equal(last.IsTruncated, false);
  });

  test('ListMultipartUploads pages with max-uploads, key-marker and upload-id-marker; prefix and delimiter', async () => {
    const bucket = await newBucket();
    const ids: Record<string, string[]> = {};
    for (const key of ['a', 'a', 'b', 'dir/x', 'dir/y', 'e']) {
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
      (ids[key] ??= []).push(UploadId!);
    }
    const seen: string[] = [];
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (let page = 0; page < 10; page++) {
      const out = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, MaxUploads: 2, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
      assert.ok((out.Uploads ?? []).length <= 2);
      for (const up of out.Uploads ?? []) {
        seen.push(`${up.Key}:${up.UploadId}`);
        assert.match(up.Initiator!.ID!, /^[0-9a-f]{64}$/);
      }
      if (!out.IsTruncated) break;
      keyMarker = out.NextKeyMarker;
      uploadIdMarker = out.NextUploadIdMarker;
    }
    const expected = Object.entries(ids).flatMap(([k, list]) => list.sort().map((id) => `${k}:${id}`));
    assert.deepEqual(seen, expected);
    const rolled = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Delimiter: '/' }));
    assert.deepEqual(rolled.CommonPrefixes!.map((p) => p.Prefix), ['dir/']);
    assert.deepEqual(rolled.Uploads!.map((up) => up.Key), ['a', 'a', 'b', 'e']);
    const under = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'dir/' }));
    assert.deepEqual(under.Uploads!.map((up) => up.Key), ['dir/x', 'dir/y']);
  });
});

describe('presigned URLs and SigV2', () => {
  const amzDate = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const sigV4Query = (dateMs: number, expires: number) => new URLSearchParams({
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256', 'X-Amz-Credential': `test/${amzDate(dateMs).slice(0, 8)}/us-east-1/s3/aws4_request`,
    'X-Amz-Date': amzDate(dateMs), 'X-Amz-Expires': String(expires), 'X-Amz-SignedHeaders': 'host', 'X-Amz-Signature': 'a'.repeat(64),
  });

  test('a SigV4 presigned URL past X-Amz-Date + X-Amz-Expires is 403 AccessDenied "Request has expired"', async () => {
    const bucket = await newBucket();
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'v' }));
    assert.equal((await raw('GET', `/${bucket}/k?${sigV4Query(Date.now() - 30_000, 3600)}`)).status, 200);
    const expired = await raw('GET', `/${bucket}/k?${sigV4Query(Date.now() - 3_600_000, 60)}`);
    assert.equal(expired.status, 403);
    assert.match(expired.body, /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
    assert.match(expired.body, /<X-Amz-Expires>60<\/X-Amz-Expires>/);
    assert.match(expired.body, /<Expires>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/Expires>/);
    assert.match(expired.body, /<ServerTime>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/ServerTime>/);
  });

  test('a SigV2 presigned URL past Expires is 403; SigV2 requests reach S3 even for buckets named like other APIs\' paths', async () => {
    for (const name of ['2015-03-31', 'restapis']) {
      await s3.send(new CreateBucketCommand({ Bucket: name })).catch((err: Error) => {
        if (err.name !== 'BucketAlreadyOwnedByYou') throw err;
      });
      await s3.send(new PutObjectCommand({ Bucket: name, Key: 'k', Body: `in ${name}` }));
      const future = Math.floor(Date.now() / 1000) + 600;
      const ok = await raw('GET', `/${name}/k?AWSAccessKeyId=test&Expires=${future}&Signature=abc%3D`);
      assert.equal(ok.status, 200, ok.body);
      assert.equal(ok.body, `in ${name}`);
      const header = await raw('GET', `/${name}/k`, { Authorization: 'AWS test:c2lnbmF0dXJl', Date: new Date().toUTCString() });
      assert.equal(header.status, 200, header.body);
      assert.equal(header.body, `in ${name}`);
      const past = Math.floor(Date.now() / 1000) - 600;
      const expired = await raw('GET', `/${name}/k?AWSAccessKeyId=test&Expires=${past}&Signature=abc%3D`);
      assert.equal(expired.status, 403, expired.body);
      assert.match(expired.body, /<Message>Request has expired<\/Message>/);
    }
  });
});

describe('request validation', () => {
  let bucket: string;
  before(async () => {
    bucket = await newBucket();
  });

  test('a served sub-resource with a method lambkin does not serve, or a form POST, is 501 NotImplemented', async () => {
    for (const [method, target] of [['PUT', `/${bucket}?versioning`], ['DELETE', `/${bucket}?notification`], ['POST', `/${bucket}`], ['PUT', `/${bucket}?uploads`]] as const) {
      const res = await raw(method, target, { 'Content-Length': 0 });
      assert.equal(res.status, 501, `${method} ${target}: ${res.body}`);
      assert.match(res.body, /<Code>NotImplemented<\/Code>/);
    }
  });

  test('x-amz-content-sha256 must be a keyword or 64 hex digits', async () => {
    const res = await raw('PUT', `/${bucket}/sha`, { 'x-amz-content-sha256': 'not-a-hash', 'Content-Length': 1 }, 'x');
    assert.equal(res.status, 400);
    assert.match(res.body, /<Code>InvalidArgument<\/Code>/);
    assert.match(res.body, /x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, .* or a valid sha256 value\./);
    assert.equal((await raw('PUT', `/${bucket}/sha`, { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'Content-Length': 1 }, 'x')).status, 200);
  });

  test('PutObject without Content-Length or chunked transfer is 411 MissingContentLength', async () => {
    const url = new URL(app.url);
    const answer = await rawSocket(`PUT /${bucket}/nolength HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
    assert.match(answer, /^HTTP\/1\.1 411 /);
    assert.match(answer, /<Code>MissingContentLength<\/Code>/);
  });

  test('user metadata over 2 KB is MetadataTooLarge', async () => {
    await expectAwsError(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'meta', Body: 'x', Metadata: { big: 'm'.repeat(2100) } })), { name: 'MetadataTooLarge', status: 400 });
    await expectAwsError(s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'meta', Metadata: { big: 'm'.repeat(2100) } })), { name: 'MetadataTooLarge', status: 400 });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'meta', Body: 'x', Metadata: { fine: 'm'.repeat(1000) } }));
  });

  test('CreateBucket: an unknown LocationConstraint, or us-east-1 named, is InvalidLocationConstraint', async () => {
    for (const region of ['mars-1', 'us-east-1']) {
      await expectAwsError(s3.send(new CreateBucketCommand({ Bucket: newBucketName(), CreateBucketConfiguration: { LocationConstraint: region as never } })), { name: 'InvalidLocationConstraint', status: 400 });
    }
  });

  test('a key with percent-escapes that are not UTF-8 is 400 InvalidURI', async () => {
    const res = await raw('PUT', `/${bucket}/bad%FF%FE`, { 'Content-Length': 1 }, 'x');
    assert.equal(res.status, 400);
    assert.match(res.body, /<Code>InvalidURI<\/Code>/);
  });

  test('x-amz-copy-source with a versionId other than null: buckets are not versioned', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'orig', Body: 'o' }));
    const bad = await raw('PUT', `/${bucket}/copy`, { 'x-amz-copy-source': `/${bucket}/orig?versionId=3HL4kqtJlcpXroDTDmjVBH40Nrjfkd`, 'Content-Length': 0 });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /<Code>InvalidArgument<\/Code>/);
    const ok = await raw('PUT', `/${bucket}/copy`, { 'x-amz-copy-source': `/${bucket}/orig?versionId=null`, 'Content-Length': 0 });
    assert.equal(ok.status, 200, ok.body);
  });

  test('x-amz-checksum-* (header or trailer) is verified: matching values store the object, a mismatch is BadDigest', async () => {
    for (const alg of ['CRC32', 'CRC32C', 'SHA1', 'SHA256'] as const) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `sum-${alg}`, Body: `checked by ${alg}`, ChecksumAlgorithm: alg }));
      assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `sum-${alg}` }))).Body!.transformToString(), `checked by ${alg}`);
    }
    // Known values: CRC32("hello") = 0x3610a686, CRC32C("hello") = 0x9a71bb4c.
    assert.equal((await raw('PUT', `/${bucket}/crc`, { 'x-amz-checksum-crc32': Buffer.from('3610a686', 'hex').toString('base64'), 'Content-Length': 5 }, 'hello')).status, 200);
    assert.equal((await raw('PUT', `/${bucket}/crc`, { 'x-amz-checksum-crc32c': Buffer.from('9a71bb4c', 'hex').toString('base64'), 'Content-Length': 5 }, 'hello')).status, 200);
    const wrong = await raw('PUT', `/${bucket}/crc-wrong`, { 'x-amz-checksum-crc32': 'AAAAAA==', 'Content-Length': 5 }, 'hello');
    assert.equal(wrong.status, 400);
    assert.match(wrong.body, /<Code>BadDigest<\/Code><Message>The CRC32 you specified did not match the calculated checksum\.<\/Message>/);
    const trailer = await raw('PUT', `/${bucket}/crc-wrong`, {
      'Content-Encoding': 'aws-chunked', 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'x-amz-trailer': 'x-amz-checksum-sha256',
      'x-amz-decoded-content-length': 5,
    }, `5\r\nhello\r\n0\r\nx-amz-checksum-sha256:${createHash('sha256').update('other').digest('base64')}\r\n\r\n`);
    assert.equal(trailer.status, 400);
    assert.match(trailer.body, /The SHA256 you specified did not match the calculated checksum\./);
    await expectAwsError(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'crc-wrong' })), { name: 'NotFound', status: 404 });
  });
});

describe('regions', () => {
  test('a notification destination in another region than the bucket is refused', async () => {
    const bucket = await newBucket('eu-west-1');
    const lambda = lambdaClient(app.url);
    try {
      // A function that S3 may invoke for this bucket, but in us-east-1.
      const fn = await deploy(lambda, { 'index.mjs': 'export const handler = async () => 1;' });
      await lambda.send(new AddPermissionCommand({
        FunctionName: fn, StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: `arn:aws:s3:::${bucket}`,
      }));
      await expectAwsError(s3.send(new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: { LambdaFunctionConfigurations: [{ LambdaFunctionArn: fnArn(fn), Events: ['s3:ObjectCreated:*'] }] },
      })), { name: 'InvalidArgument', status: 400, message: 'The notification destination service region is not valid for the bucket location constraint' });
    } finally {
      lambda.destroy();
    }
    const got = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
    assert.equal(got.LambdaFunctionConfigurations, undefined);
  });

  test('CreateFunction with code in a bucket of another region: Lambda\'s GetObject PermanentRedirect error', async () => {
    const bucket = await newBucket('eu-west-1');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'code.zip', Body: randomBytes(100) }));
    const lambda = lambdaClient(app.url);
    try {
      await expectAwsError(lambda.send(new CreateFunctionCommand({
        FunctionName: `cross-${process.pid}`, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/r',
        Code: { S3Bucket: bucket, S3Key: 'code.zip' },
      })), {
        name: 'InvalidParameterValueException', status: 400,
        message: 'Error occurred while GetObject. S3 Error Code: PermanentRedirect. S3 Error Message: The bucket is in this region: eu-west-1. Please use this region to retry the request',
      });
    } finally {
      lambda.destroy();
    }
  });
});

// Pieces of S3's wire format that integration tests cannot steer byte by byte: the aws-chunked decoder fed in every
// possible split, event-record key encoding (event-sources.md §4.1) and sequencer order.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { AwsChunkedDecoder } from '../../src/s3/api/request-body.js';
import { encodeEventKey, Sequencers } from '../../src/s3/engine/event-record.js';

async function decode(pieces: Buffer[]): Promise<{ body: string; trailers: Record<string, string> }> {
  const decoder = new AwsChunkedDecoder();
  const out: Buffer[] = [];
  decoder.on('data', (c: Buffer) => out.push(c));
  await new Promise<void>((resolve, reject) => {
    Readable.from(pieces).pipe(decoder).on('end', resolve).on('error', reject);
  });
  return { body: Buffer.concat(out).toString(), trailers: decoder.trailers };
}

const BODY = Buffer.from('a;chunk-signature=00ff\r\n0123456789\r\n3\r\n\r\nx\r\n0\r\nx-amz-checksum-crc32:AbCd==\r\nx-amz-trailer-signature:ff\r\n\r\n');

test('aws-chunked: whole, byte by byte and split at every offset give the same bytes and trailers', async () => {
  const want = { body: '0123456789\r\nx', trailers: { 'x-amz-checksum-crc32': 'AbCd==', 'x-amz-trailer-signature': 'ff' } };
  assert.deepEqual(await decode([BODY]), want);
  assert.deepEqual(await decode([...BODY].map((b) => Buffer.from([b]))), want);
  for (let i = 1; i < BODY.length; i++) assert.deepEqual(await decode([BODY.subarray(0, i), BODY.subarray(i)]), want, `split at ${i}`);
});

test('aws-chunked: a body that stops early or a bad size line is refused', async () => {
  await assert.rejects(decode([BODY.subarray(0, 30)]), { name: 'IncompleteBody' });
  await assert.rejects(decode([Buffer.from('zz\r\nabc\r\n0\r\n\r\n')]), { name: 'InvalidRequest' });
  await assert.rejects(decode([Buffer.from('3\r\nabcdef\r\n0\r\n\r\n')]), { name: 'InvalidRequest' });
});

test('event keys: space is +, unreserved bytes and / stay, the rest is %XX of the UTF-8 bytes', () => {
  assert.equal(encodeEventKey('red flower.jpg'), 'red+flower.jpg');
  assert.equal(encodeEventKey('dir/sub/a-b_c.d*e'), 'dir/sub/a-b_c.d*e');
  assert.equal(encodeEventKey('year=2026/a+b&c:d'), 'year%3D2026/a%2Bb%26c%3Ad');
  assert.equal(encodeEventKey('ü 😀'), '%C3%BC+%F0%9F%98%80');
  assert.equal(encodeEventKey("(it's)~!"), '%28it%27s%29%7E%21');
});

test('sequencers grow per bucket, also when the clock stands still or steps back', () => {
  const seq = new Sequencers();
  const a = seq.next('b', 1_000);
  const b = seq.next('b', 1_000);
  const c = seq.next('b', 999);
  const d = seq.next('b', 2_000);
  for (const [x, y] of [[a, b], [b, c], [c, d]] as const) assert.ok(x.padStart(20, '0') < y.padStart(20, '0'), `${x} < ${y}`);
  assert.match(a, /^[0-9A-F]{18}$/);
  assert.equal(seq.next('other', 1_000), a, 'each bucket has its own order');
});

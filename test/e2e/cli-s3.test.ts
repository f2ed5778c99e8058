// S3 through the real AWS CLI against a spawned `lambkin start`, as a user drives it: `aws s3 mb/cp/ls/sync/rm/rb`
// (path-style addressing, botocore's encoding-type=url listings, a multipart upload over the CLI's 8 MB threshold and
// bucket-to-bucket copies of it through UploadPartCopy),
// `aws s3api` range gets, errors, and `put-bucket-notification-configuration` with and without the function's
// permission, then an upload whose event reaches the function.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ACCOUNT, createQueue, fnArn, receiveJson, REPORTER, type Report } from '../helpers/async.js';
import { awsCli, awsOk, awsToolEnv, type CliResult } from '../helpers/aws-cli.js';
import { deploy } from '../helpers/functions.js';
import { lambdaClient, tempDir, TEST_CREDENTIALS, uniqueName } from '../helpers/server.js';
import { killAllSpawned, spawnLambkin, stopLambkin, type SpawnedLambkin } from '../helpers/spawned-lambkin.js';

const scratch = tempDir('lambkin-e2e-cli-s3-');
const env = awsToolEnv(scratch);
const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');

after(async () => {
  await killAllSpawned();
  fs.rmSync(scratch, { recursive: true, force: true });
});

function assertCliError(r: CliResult, code: string, operation: string): void {
  assert.ok(r.code === 254 || r.code === 255 || r.code === 1, `exit code ${r.code}, stdout: ${r.stdout}, stderr: ${r.stderr}`);
  assert.match(r.stderr, new RegExp(`An error occurred \\(${code}\\) when calling the ${operation} operation`));
}

describe('AWS CLI: S3 against `lambkin start`', () => {
  let server: SpawnedLambkin;
  let aws: (args: string[]) => Promise<CliResult>;
  let ok: (args: string[]) => Promise<CliResult>;
  let bucket: string;
  const work = path.join(scratch, 'work');

  before(async () => {
    server = await spawnLambkin(path.join(scratch, 'data'), ['--spare-runtimes', '1']);
    aws = (args) => awsCli(server.url, env, args, { cwd: work, timeoutMs: 120_000 });
    ok = (args) => awsOk(server.url, env, args, { cwd: work, timeoutMs: 120_000 });
    fs.mkdirSync(path.join(work, 'tree', 'sub dir'), { recursive: true });
    fs.writeFileSync(path.join(work, 'tree', 'one.txt'), 'one\n');
    fs.writeFileSync(path.join(work, 'tree', 'sub dir', 'two words.txt'), 'two\n');
    fs.writeFileSync(path.join(work, 'tree', 'sub dir', 'ünïcödé.txt'), 'three\n');
    bucket = `cli-${process.pid}-${Date.now().toString(36)}`;
  });
  after(async () => {
    if (server) await stopLambkin(server);
  });

  test('mb, cp up and down, ls', async () => {
    assert.match((await ok(['s3', 'mb', `s3://${bucket}`])).stdout, new RegExp(`make_bucket: ${bucket}`));
    await ok(['s3', 'cp', 'tree/one.txt', `s3://${bucket}/one.txt`]);
    const ls = await ok(['s3', 'ls', `s3://${bucket}`]);
    assert.match(ls.stdout, /\s4 one\.txt/);
    await ok(['s3', 'cp', `s3://${bucket}/one.txt`, 'down.txt']);
    assert.equal(fs.readFileSync(path.join(work, 'down.txt'), 'utf8'), 'one\n');
    const buckets = await ok(['s3', 'ls']);
    assert.match(buckets.stdout, new RegExp(` ${bucket}\\n`));
  });

  test('sync uploads a tree (spaces, unicode), ls --recursive lists it, a second sync uploads nothing', async () => {
    await ok(['s3', 'sync', 'tree', `s3://${bucket}/synced`]);
    const ls = await ok(['s3', 'ls', '--recursive', `s3://${bucket}/synced/`]);
    const keys = ls.stdout.trim().split('\n').map((l) => l.replace(/^\S+\s+\S+\s+\d+\s/, '')).sort();
    assert.deepEqual(keys, ['synced/one.txt', 'synced/sub dir/two words.txt', 'synced/sub dir/ünïcödé.txt']);
    const again = await ok(['s3', 'sync', 'tree', `s3://${bucket}/synced`]);
    assert.equal(again.stdout.trim(), '', 'nothing to upload');
    const dirs = await ok(['s3', 'ls', `s3://${bucket}/synced/`]);
    assert.match(dirs.stdout, /PRE sub dir\//);
    await ok(['s3', 'sync', `s3://${bucket}/synced`, 'back']);
    assert.equal(fs.readFileSync(path.join(work, 'back', 'sub dir', 'ünïcödé.txt'), 'utf8'), 'three\n');
  });

  test('a file over 8 MB goes up as a multipart upload and comes back whole', async () => {
    const data = randomBytes(9 * 1024 * 1024 + 123);
    fs.writeFileSync(path.join(work, 'big.bin'), data);
    await ok(['s3', 'cp', 'big.bin', `s3://${bucket}/big.bin`]);
    const head = (await ok(['s3api', 'head-object', '--bucket', bucket, '--key', 'big.bin'])).json;
    assert.equal(head.ContentLength, data.length);
    assert.match(head.ETag, /^"[0-9a-f]{32}-2"$/, 'two parts of the CLI\'s 8 MB chunks');
    await ok(['s3', 'cp', `s3://${bucket}/big.bin`, 'big-back.bin']);
    assert.equal(md5(fs.readFileSync(path.join(work, 'big-back.bin'))), md5(data));
  });

  test('cp and sync bucket to bucket copy an object over 8 MB (UploadPartCopy)', async () => {
    const data = fs.readFileSync(path.join(work, 'big.bin'));
    const target = `${bucket}-copy`;
    await ok(['s3', 'mb', `s3://${target}`]);
    await ok(['s3', 'cp', `s3://${bucket}/big.bin`, `s3://${target}/copied.bin`]);
    const head = (await ok(['s3api', 'head-object', '--bucket', target, '--key', 'copied.bin'])).json;
    assert.equal(head.ContentLength, data.length);
    assert.match(head.ETag, /^"[0-9a-f]{32}-2"$/, 'copied in parts');
    await ok(['s3', 'cp', `s3://${target}/copied.bin`, 'copied-back.bin']);
    assert.equal(md5(fs.readFileSync(path.join(work, 'copied-back.bin'))), md5(data));
    await ok(['s3', 'sync', `s3://${bucket}`, `s3://${target}/mirror`, '--exclude', '*', '--include', 'big.bin']);
    await ok(['s3', 'cp', `s3://${target}/mirror/big.bin`, 'mirrored.bin']);
    assert.equal(md5(fs.readFileSync(path.join(work, 'mirrored.bin'))), md5(data));
    await ok(['s3', 'rb', '--force', `s3://${target}`]);
  });

  test('s3api get-object with --range writes the bytes asked for', async () => {
    fs.writeFileSync(path.join(work, 'digits.txt'), '0123456789');
    await ok(['s3api', 'put-object', '--bucket', bucket, '--key', 'digits.txt', '--body', 'digits.txt']);
    const out = (await ok(['s3api', 'get-object', '--bucket', bucket, '--key', 'digits.txt', '--range', 'bytes=3-5', 'part.txt'])).json;
    assert.equal(out.ContentRange, 'bytes 3-5/10');
    assert.equal(fs.readFileSync(path.join(work, 'part.txt'), 'utf8'), '345');
  });

  test('errors: a missing key, a missing bucket, removing a non-empty bucket', async () => {
    assertCliError(await aws(['s3api', 'get-object', '--bucket', bucket, '--key', 'missing', 'x.out']), 'NoSuchKey', 'GetObject');
    assertCliError(await aws(['s3api', 'list-objects-v2', '--bucket', 'no-such-bucket-cli']), 'NoSuchBucket', 'ListObjectsV2');
    const rb = await aws(['s3', 'rb', `s3://${bucket}`]);
    assert.notEqual(rb.code, 0);
    assert.match(rb.stderr, /BucketNotEmpty/);
  });

  test('rm --recursive empties the bucket, rb removes it', async () => {
    await ok(['s3', 'rm', '--recursive', `s3://${bucket}`]);
    assert.equal((await ok(['s3', 'ls', '--recursive', `s3://${bucket}`])).stdout.trim(), '');
    await ok(['s3', 'rb', `s3://${bucket}`]);
    assert.doesNotMatch((await ok(['s3', 'ls'])).stdout, new RegExp(bucket));
  });

  test('put-bucket-notification-configuration: refused without the permission, then an upload reaches the function', async () => {
    const lambda = lambdaClient(server.url);
    const sqs = new SQSClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    try {
      const out = await createQueue(sqs, 'out');
      const fn = await deploy(lambda, { 'index.mjs': REPORTER }, { timeout: 10, environment: { OUT_NAME: out.name } });
      const nb = uniqueName('cli-notify').toLowerCase();
      await ok(['s3', 'mb', `s3://${nb}`]);
      const config = JSON.stringify({ LambdaFunctionConfigurations: [{ Id: 'cli', LambdaFunctionArn: fnArn(fn), Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.txt' }] } } }] });
      const args = ['s3api', 'put-bucket-notification-configuration', '--bucket', nb, '--notification-configuration', config];
      const refused = await aws(args);
      assertCliError(refused, 'InvalidArgument', 'PutBucketNotificationConfiguration');
      assert.match(refused.stderr, /Unable to validate the following destination configurations/);
      await ok(['lambda', 'add-permission', '--function-name', fn, '--statement-id', 's3', '--action', 'lambda:InvokeFunction',
        '--principal', 's3.amazonaws.com', '--source-arn', `arn:aws:s3:::${nb}`, '--source-account', ACCOUNT]);
      await ok(args);
      const got = (await ok(['s3api', 'get-bucket-notification-configuration', '--bucket', nb])).json;
      assert.equal(got.LambdaFunctionConfigurations[0].LambdaFunctionArn, fnArn(fn));
      await ok(['s3', 'cp', 'tree/sub dir/two words.txt', `s3://${nb}/in/two words.txt`]);
      const reports = await receiveJson<Report>(sqs, out.url, 2, 30_000, 'the function run');
      const record = reports.find((r) => r.phase === 'start')!.event.Records[0];
      assert.equal(record.eventName, 'ObjectCreated:Put');
      assert.equal(record.s3.object.key, 'in/two+words.txt');
      assert.equal(record.s3.object.size, 4);
      assert.equal(record.s3.configurationId, 'cli');
    } finally {
      lambda.destroy();
      sqs.destroy();
    }
  });
});

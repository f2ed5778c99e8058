import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { execFile, spawnSync } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { APIGatewayClient, CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, PutIntegrationCommand, PutMethodCommand } from '@aws-sdk/client-api-gateway';
import { AddPermissionCommand, CreateFunctionUrlConfigCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient, ListRulesCommand, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { createLambkin } from '../../src/app.js';
import { awsCli, awsToolEnv } from '../helpers/aws-cli.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { callSigned } from '../helpers/function-urls.js';
import { deploy, invokeJson } from '../helpers/functions.js';
import { Sha256 } from '../helpers/sha256.js';
import { startServer, tempDir, uniqueName } from '../helpers/server.js';

const A = { name: 'team-a', accessKeyId: 'AKIATEAMA0000000001', secretAccessKey: 'secret-a/0123456789', accountId: '111111111111' };
const B = { name: 'team-b', accessKeyId: 'AKIATEAMB0000000001', secretAccessKey: 'secret-b/0123456789', accountId: '222222222222' };
type Creds = { accessKeyId: string; secretAccessKey: string };
const WRONG: Creds = { accessKeyId: A.accessKeyId, secretAccessKey: 'not-the-secret' };
const UNKNOWN: Creds = { accessKeyId: 'AKIANOBODY0000000001', secretAccessKey: 'whatever' };
const SKEW = { systemClockOffset: -20 * 60_000 };

const SIGNATURE_MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

function writeAccounts(dir: string, content: string, mode = 0o600): string {
  const file = path.join(dir, 'accounts.json');
  fs.writeFileSync(file, content, { mode });
  fs.chmodSync(file, mode);
  return file;
}

const lambdaOf = (url: string, c: Creds, extra = {}) => new LambdaClient({ endpoint: url, region: 'us-east-1', credentials: c, maxAttempts: 1, ...extra });
const sqsOf = (url: string, c: Creds, extra = {}) => new SQSClient({ endpoint: url, region: 'us-east-1', credentials: c, maxAttempts: 1, ...extra });
const s3Of = (url: string, c: Creds, extra = {}) => new S3Client({ endpoint: url, region: 'us-east-1', credentials: c, forcePathStyle: true, maxAttempts: 1, ...extra });

describe('strict auth mode: start-up checks', () => {
  test('strict needs an accounts file; the file must be owner-only and well-formed', async () => {
    const dir = tempDir();
    try {
      await assert.rejects(createLambkin({ port: 0, dataDir: dir, authMode: 'strict' }), /auth mode strict needs an accounts file/);
      const open = writeAccounts(dir, JSON.stringify([A]), 0o644);
      await assert.rejects(createLambkin({ port: 0, dataDir: dir, authMode: 'strict', accountsFile: open }), /must be readable by its owner only \(chmod 600 .*\); its mode is 0644/);
      const bad = writeAccounts(dir, '[{"accessKeyId":"AK1","accountId":"12"}');
      await assert.rejects(createLambkin({ port: 0, dataDir: dir, authMode: 'strict', accountsFile: bad }), /accounts file .* is not valid JSON/);
      const incomplete = writeAccounts(dir, JSON.stringify([{ accessKeyId: 'AK1', accountId: '12', name: 'x' }, { ...A }, { ...A }]));
      await assert.rejects(createLambkin({ port: 0, dataDir: dir, authMode: 'strict', accountsFile: incomplete }),
        /entry 1: secretAccessKey must be a non-empty string; entry 1: accountId must be 12 digits, got 12; entry 3: accessKeyId AKIATEAMA0000000001 is listed twice/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('dev mode refuses a non-loopback host', async () => {
    const dir = tempDir();
    try {
      await assert.rejects(createLambkin({ port: 0, dataDir: dir, host: '0.0.0.0' }), /binding to 0\.0\.0\.0 requires --auth-mode strict/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('strict auth mode', () => {
  let srv: Awaited<ReturnType<typeof startServer>>;
  let scratch: string;

  before(async () => {
    scratch = tempDir();
    const accountsFile = writeAccounts(scratch, JSON.stringify({ accounts: [A, B] }, null, 2));
    srv = await startServer({ authMode: 'strict', accountsFile, host: '0.0.0.0', spareRuntimes: 0 });
  });

  after(async () => {
    await srv?.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test('the right secret works, and each account sees only its own functions, queues and buckets', async () => {
    const la = lambdaOf(srv.url, A);
    const lb = lambdaOf(srv.url, B);
    const fnA = await deploy(la, { 'index.js': 'exports.handler = async () => 1;' }, { name: uniqueName('fa') });
    const fnB = await deploy(lb, { 'index.js': 'exports.handler = async () => 2;' }, { name: uniqueName('fb') });
    const namesA = (await la.send(new ListFunctionsCommand({}))).Functions!.map((f) => f.FunctionArn);
    const namesB = (await lb.send(new ListFunctionsCommand({}))).Functions!.map((f) => f.FunctionArn);
    assert.deepEqual(namesA, [`arn:aws:lambda:us-east-1:111111111111:function:${fnA}`]);
    assert.deepEqual(namesB, [`arn:aws:lambda:us-east-1:222222222222:function:${fnB}`]);

    const qa = sqsOf(srv.url, A);
    const qb = sqsOf(srv.url, B);
    const urlA = (await qa.send(new CreateQueueCommand({ QueueName: 'shared-name' }))).QueueUrl!;
    const urlB = (await qb.send(new CreateQueueCommand({ QueueName: 'shared-name' }))).QueueUrl!;
    assert.match(urlA, /\/111111111111\/shared-name$/);
    assert.match(urlB, /\/222222222222\/shared-name$/);
    assert.deepEqual((await qa.send(new ListQueuesCommand({}))).QueueUrls, [urlA]);
    assert.deepEqual((await qb.send(new ListQueuesCommand({}))).QueueUrls, [urlB]);

    const sa = s3Of(srv.url, A);
    const bucket = uniqueName('bkt');
    await sa.send(new CreateBucketCommand({ Bucket: bucket }));
    await sa.send(new PutObjectCommand({ Bucket: bucket, Key: 'dir/my file é.txt', Body: 'hello' }));
    const got = await sa.send(new GetObjectCommand({ Bucket: bucket, Key: 'dir/my file é.txt' }));
    assert.equal(await got.Body!.transformToString(), 'hello');
    assert.deepEqual((await sa.send(new ListBucketsCommand({}))).Buckets!.map((b) => b.Name), [bucket]);
    for (const c of [la, lb, qa, qb, sa]) c.destroy();
  });

  test('a function\'s own SDK calls act as its account', async () => {
    const la = lambdaOf(srv.url, A);
    const qa = sqsOf(srv.url, A);
    const queue = (await qa.send(new CreateQueueCommand({ QueueName: uniqueName('fnq') }))).QueueUrl!;
    const fn = await deploy(la, {
      'index.mjs': `import { SQSClient, ListQueuesCommand } from '@aws-sdk/client-sqs';
        export const handler = async () => (await new SQSClient({}).send(new ListQueuesCommand({}))).QueueUrls ?? [];`,
    }, { handler: 'index.handler', timeout: 20 });
    const out = await invokeJson(la, fn);
    assert.equal(out.out.FunctionError, undefined, out.text);
    assert.ok(out.body.includes(queue), out.text);
    assert.ok(out.body.every((u: string) => u.includes('/111111111111/')), out.text);
    la.destroy();
    qa.destroy();
  });

  test('AWS_IAM function URLs verify the signature and know the caller\'s account', async () => {
    const la = lambdaOf(srv.url, A);
    const fn = await deploy(la, { 'index.js': 'exports.handler = async (e) => ({ account: e.requestContext.authorizer.iam.accountId, body: e.body });' });
    const { FunctionUrl } = await la.send(new CreateFunctionUrlConfigCommand({ FunctionName: fn, AuthType: 'AWS_IAM' }));
    la.destroy();
    const ok = await callSigned(srv.port, FunctionUrl!, { method: 'POST', path: '/a%20b?x=1', body: 'payload', headers: { 'content-type': 'text/plain' }, credentials: A });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(JSON.parse(ok.text), { account: A.accountId, body: 'payload' });
    const wrong = await callSigned(srv.port, FunctionUrl!, { method: 'POST', body: 'payload', credentials: WRONG });
    assert.equal(wrong.status, 403);
    const other = await callSigned(srv.port, FunctionUrl!, { method: 'POST', body: 'payload', credentials: B });
    assert.equal(other.status, 403);
    const unknown = await callSigned(srv.port, FunctionUrl!, { credentials: UNKNOWN });
    assert.equal(unknown.status, 403);
  });

  test('AWS_IAM methods of REST APIs verify the signature and know the caller\'s account', async () => {
    const la = lambdaOf(srv.url, A);
    const apigw = new APIGatewayClient({ endpoint: srv.url, region: 'us-east-1', credentials: A, maxAttempts: 1 });
    const fn = await deploy(la, { 'index.js': 'exports.handler = async (e) => ({ statusCode: 200, body: JSON.stringify(e.requestContext.identity) });' });
    const api = await apigw.send(new CreateRestApiCommand({ name: 'iam-api' }));
    const r = (await apigw.send(new CreateResourceCommand({ restApiId: api.id!, parentId: api.rootResourceId!, pathPart: 'iam' }))).id!;
    await apigw.send(new PutMethodCommand({ restApiId: api.id!, resourceId: r, httpMethod: 'GET', authorizationType: 'AWS_IAM' }));
    const arn = `arn:aws:lambda:us-east-1:${A.accountId}:function:${fn}`;
    await apigw.send(new PutIntegrationCommand({
      restApiId: api.id!, resourceId: r, httpMethod: 'GET', type: 'AWS_PROXY', integrationHttpMethod: 'POST',
      uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${arn}/invocations`,
    }));
    await la.send(new AddPermissionCommand({
      FunctionName: fn, StatementId: 'api', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com',
      SourceArn: `arn:aws:execute-api:us-east-1:${A.accountId}:${api.id}/*`,
    }));
    await apigw.send(new CreateDeploymentCommand({ restApiId: api.id!, stageName: 'prod' }));
    apigw.destroy();
    la.destroy();
    const url = new URL(srv.url);
    const get = async (creds: Creds | undefined, service = 'execute-api') => {
      const request = { method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: `/_execute-api/${api.id}/prod/iam`, query: {}, headers: { host: url.host } };
      const signed = creds ? await new SignatureV4({ service, region: 'us-east-1', credentials: creds, sha256: Sha256 }).sign(request) : request;
      const res = await fetch(`${srv.url}${request.path}`, { headers: signed.headers as Record<string, string> });
      return { status: res.status, type: res.headers.get('x-amzn-errortype'), json: await res.json() as any };
    };
    const ok = await get(A);
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.equal(ok.json.accountId, A.accountId);
    assert.equal(ok.json.accessKey, A.accessKeyId);
    assert.deepEqual(await get(undefined), { status: 403, type: 'MissingAuthenticationTokenException', json: { message: 'Missing Authentication Token' } });
    assert.deepEqual(await get(WRONG), { status: 403, type: 'InvalidSignatureException', json: { message: SIGNATURE_MISMATCH } });
    assert.equal((await get(UNKNOWN)).type, 'UnrecognizedClientException');
    assert.equal((await get(A, 'lambda')).type, 'InvalidSignatureException');
  });

  test('SNS and EventBridge: each account sees its own topics and rules; a wrong secret is refused', async () => {
    const snsOf = (c: Creds) => new SNSClient({ endpoint: srv.url, region: 'us-east-1', credentials: c, maxAttempts: 1 });
    const ebOf = (c: Creds) => new EventBridgeClient({ endpoint: srv.url, region: 'us-east-1', credentials: c, maxAttempts: 1 });
    const [na, nb, nw] = [snsOf(A), snsOf(B), snsOf(WRONG)];
    const topic = (await na.send(new CreateTopicCommand({ Name: uniqueName('t') }))).TopicArn!;
    assert.match(topic, /^arn:aws:sns:us-east-1:111111111111:/);
    assert.deepEqual((await na.send(new ListTopicsCommand({}))).Topics!.map((t) => t.TopicArn), [topic]);
    assert.deepEqual((await nb.send(new ListTopicsCommand({}))).Topics ?? [], []);
    await expectAwsError(nw.send(new ListTopicsCommand({})), { name: 'SignatureDoesNotMatch', status: 403 });
    const [ea, eb, ew] = [ebOf(A), ebOf(B), ebOf(WRONG)];
    const rule = uniqueName('r');
    await ea.send(new PutRuleCommand({ Name: rule, ScheduleExpression: 'rate(1 hour)' }));
    assert.deepEqual((await ea.send(new ListRulesCommand({}))).Rules!.map((r) => r.Name), [rule]);
    assert.deepEqual((await eb.send(new ListRulesCommand({}))).Rules ?? [], []);
    await expectAwsError(ew.send(new ListRulesCommand({})), { name: 'InvalidSignatureException', status: 403 });
    for (const c of [na, nb, nw, ea, eb, ew]) c.destroy();
  });

  test('a wrong secret gets each protocol\'s signature error', async () => {
    await expectAwsError(lambdaOf(srv.url, WRONG).send(new ListFunctionsCommand({})), { name: 'InvalidSignatureException', status: 403, message: SIGNATURE_MISMATCH });
    await expectAwsError(sqsOf(srv.url, WRONG).send(new ListQueuesCommand({})), { name: 'SignatureDoesNotMatch', status: 403 });
    const err = await expectAwsError(s3Of(srv.url, WRONG).send(new ListBucketsCommand({})), { name: 'SignatureDoesNotMatch', status: 403 });
    assert.match(err.message, /does not match the signature you provided/);
  });

  test('an unknown access key is refused', async () => {
    await expectAwsError(lambdaOf(srv.url, UNKNOWN).send(new ListFunctionsCommand({})), {
      name: 'UnrecognizedClientException', status: 403, message: 'The security token included in the request is invalid.',
    });
    await expectAwsError(sqsOf(srv.url, UNKNOWN).send(new ListQueuesCommand({})), { name: 'InvalidClientTokenId', status: 403 });
    await expectAwsError(s3Of(srv.url, UNKNOWN).send(new ListBucketsCommand({})), { name: 'InvalidAccessKeyId', status: 403 });
  });

  test('a request signed more than 15 minutes off the server clock is refused', async () => {
    await expectAwsError(lambdaOf(srv.url, A, SKEW).send(new ListFunctionsCommand({})), {
      name: 'InvalidSignatureException', status: 403, message: /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/,
    });
    await expectAwsError(sqsOf(srv.url, A, SKEW).send(new ListQueuesCommand({})), { name: 'RequestExpired', status: 400 });
    await expectAwsError(s3Of(srv.url, A, SKEW).send(new ListBucketsCommand({})), { name: 'RequestTimeTooSkewed', status: 403 });
    // Within the window is fine.
    const near = lambdaOf(srv.url, A, { systemClockOffset: -5 * 60_000 });
    await near.send(new ListFunctionsCommand({}));
    near.destroy();
  });

  test('the SQS query protocol answers in XML', async () => {
    const url = new URL(srv.url);
    const query = async (creds: Creds | undefined) => {
      const body = 'Action=ListQueues&Version=2012-11-05';
      const request = {
        method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: {}, body,
        headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      };
      const signed = creds ? await new SignatureV4({ service: 'sqs', region: 'us-east-1', credentials: creds, sha256: Sha256 }).sign(request) : request;
      const res = await fetch(srv.url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
      return { status: res.status, text: await res.text() };
    };
    const ok = await query(A);
    assert.equal(ok.status, 200, ok.text);
    assert.match(ok.text, /<ListQueuesResponse/);
    const wrong = await query(WRONG);
    assert.equal(wrong.status, 403);
    assert.match(wrong.text, /<Code>SignatureDoesNotMatch<\/Code>/);
    const unknown = await query(UNKNOWN);
    assert.equal(unknown.status, 403);
    assert.match(unknown.text, /<Code>InvalidClientTokenId<\/Code>/);
    const unsigned = await query(undefined);
    assert.equal(unsigned.status, 403);
    assert.match(unsigned.text, /<Code>MissingAuthenticationToken<\/Code>/);
  });

  test('unsigned requests are refused', async () => {
    const lambda = await fetch(`${srv.url}/2015-03-31/functions/`);
    assert.equal(lambda.status, 403);
    assert.equal(lambda.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
    assert.ok(lambda.headers.get('date'));
    const sqs = await fetch(srv.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' }, body: '{}' });
    assert.equal(sqs.status, 403);
    assert.match(sqs.headers.get('x-amzn-query-error') ?? '', /^MissingAuthenticationToken;/);
    const s3 = await fetch(`${srv.url}/some-bucket`);
    assert.equal(s3.status, 403);
    assert.match(await s3.text(), /<Code>AccessDenied<\/Code>/);
  });

  test('presigned S3 URLs are verified and expire', async () => {
    const s3 = s3Of(srv.url, A);
    const bucket = uniqueName('pre');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a b.txt', Body: 'presigned' }));
    s3.destroy();
    const url = new URL(srv.url);
    const presign = async (secret: string, signingDate = new Date(), expiresIn = 60) => {
      const signer = new SignatureV4({ service: 's3', region: 'us-east-1', credentials: { accessKeyId: A.accessKeyId, secretAccessKey: secret }, sha256: Sha256, uriEscapePath: false });
      const req = await signer.presign({
        method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: `/${bucket}/a%20b.txt`, query: {},
        headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      }, { expiresIn, signingDate });
      const qs = new URLSearchParams(req.query as Record<string, string>).toString();
      return `${srv.url}${req.path}?${qs}`;
    };
    const ok = await fetch(await presign(A.secretAccessKey));
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), 'presigned');
    const bad = await fetch(await presign('nope'));
    assert.equal(bad.status, 403);
    assert.match(await bad.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
    const expired = await fetch(await presign(A.secretAccessKey, new Date(Date.now() - 120_000), 60));
    assert.equal(expired.status, 403);
    assert.match(await expired.text(), /<Message>Request has expired<\/Message>/);
  });

  test('S3 payload hashes are enforced: signed streaming chunks, hex x-amz-content-sha256 of uploads and small bodies', async () => {
    const s3 = s3Of(srv.url, A);
    const bucket = uniqueName('chunks');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const url = new URL(srv.url);
    const signer = new SignatureV4({ service: 's3', region: 'us-east-1', credentials: A, sha256: Sha256, uriEscapePath: false });
    const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
    const hmac = (k: Buffer | string, d: string) => createHmac('sha256', k).update(d).digest();
    const send = (method: string, path: string, headers: Record<string, string>, body: Buffer) => new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request({ hostname: url.hostname, port: url.port, method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      req.end(body);
    });
    const signedUpload = async (key: string, parts: string[], tamper = false) => {
      const now = new Date();
      const decoded = Buffer.from(parts.join(''));
      const headers: Record<string, string> = {
        host: url.host, 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': String(decoded.length),
      };
      const signed = await signer.sign({ method: 'PUT', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: `/${bucket}/${key}`, query: {}, headers }, { signingDate: now });
      let previous = /Signature=([0-9a-f]{64})/.exec(signed.headers.authorization!)![1]!;
      const ts = signed.headers['x-amz-date']!;
      const scope = `${ts.slice(0, 8)}/us-east-1/s3/aws4_request`;
      const kSigning = hmac(hmac(hmac(hmac(`AWS4${A.secretAccessKey}`, ts.slice(0, 8)), 'us-east-1'), 's3'), 'aws4_request');
      const pieces: Buffer[] = [];
      for (const part of [...parts, '']) {
        const data = Buffer.from(part);
        const sig = hmac(kSigning, `AWS4-HMAC-SHA256-PAYLOAD\n${ts}\n${scope}\n${previous}\n${sha('')}\n${sha(data)}`).toString('hex');
        previous = sig;
        const sent = tamper && part ? Buffer.from(part.toUpperCase()) : data;
        pieces.push(Buffer.from(`${data.length.toString(16)};chunk-signature=${sig}\r\n`), sent, Buffer.from('\r\n'));
      }
      const body = Buffer.concat(pieces);
      return send('PUT', `/${bucket}/${key}`, { ...(signed.headers as Record<string, string>), 'content-length': String(body.length) }, body);
    };
    const good = await signedUpload('signed.txt', ['hello ', 'chunked ', 'world']);
    assert.equal(good.status, 200, good.text);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'signed.txt' }));
    assert.equal(await got.Body!.transformToString(), 'hello chunked world');
    const bad = await signedUpload('tampered.txt', ['hello ', 'chunked'], true);
    assert.equal(bad.status, 403);
    assert.match(bad.text, /<Code>SignatureDoesNotMatch<\/Code>/);
    await expectAwsError(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'tampered.txt' })), { name: 'NoSuchKey', status: 404 });

    // A hex hash that is not the body's: uploads and small XML bodies alike.
    const wrongHash = async (method: string, path: string, body: string, extra: Record<string, string> = {}) => {
      const headers = { host: url.host, 'x-amz-content-sha256': sha('something else'), 'content-length': String(Buffer.byteLength(body)), ...extra };
      const signed = await signer.sign({ method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path, query: method === 'POST' ? { delete: '' } : {}, headers });
      return send(method, method === 'POST' ? `${path}?delete=` : path, signed.headers as Record<string, string>, Buffer.from(body));
    };
    const put = await wrongHash('PUT', `/${bucket}/hash.txt`, 'content');
    assert.equal(put.status, 400);
    assert.match(put.text, /<Code>XAmzContentSHA256Mismatch<\/Code>/);
    await expectAwsError(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'hash.txt' })), { name: 'NoSuchKey', status: 404 });
    const del = await wrongHash('POST', `/${bucket}`, '<Delete><Object><Key>signed.txt</Key></Object></Delete>', { 'content-md5': createHash('md5').update('<Delete><Object><Key>signed.txt</Key></Object></Delete>').digest('base64') });
    assert.equal(del.status, 400);
    assert.match(del.text, /<Code>XAmzContentSHA256Mismatch<\/Code>/);
    await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'signed.txt' }));
    s3.destroy();
  });

  const PYTHON = process.env.LAMBKIN_PYTHON || 'python3';
  const noBoto3 = spawnSync(PYTHON, ['-c', 'import boto3'], { encoding: 'utf8' }).status !== 0;
  test('boto3 signs its way in (presigned URLs too); a wrong secret and a skewed clock are refused', { skip: noBoto3 && !process.env.CI ? 'boto3 is not importable' : false }, async () => {
    const script = `
import json, sys, datetime
from unittest import mock
import boto3, botocore.auth
from botocore.config import Config
from botocore.exceptions import ClientError
endpoint, key, secret, bucket = sys.argv[1:5]
def client(name, s=secret):
    return boto3.client(name, endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id=key, aws_secret_access_key=s,
                        config=Config(retries={'max_attempts': 1}, s3={'addressing_style': 'path'}))
def code(fn):
    try:
        fn()
        return 'ok'
    except ClientError as e:
        return e.response['Error']['Code']
out = {}
out['lambda'] = code(lambda: client('lambda').list_functions())
out['sqs'] = code(lambda: client('sqs').create_queue(QueueName='boto3-q'))
s3 = client('s3')
out['s3put'] = code(lambda: s3.put_object(Bucket=bucket, Key='py/a b ü.txt', Body=b'from boto3'))
out['presigned'] = s3.generate_presigned_url('get_object', Params={'Bucket': bucket, 'Key': 'py/a b ü.txt'}, ExpiresIn=60)
out['wrongPresigned'] = client('s3', 'wrong').generate_presigned_url('get_object', Params={'Bucket': bucket, 'Key': 'py/a b ü.txt'}, ExpiresIn=60)
v2 = boto3.client('s3', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id=key, aws_secret_access_key=secret,
                  config=Config(signature_version='s3', retries={'max_attempts': 1}, s3={'addressing_style': 'path'}))
out['v2put'] = code(lambda: v2.put_object(Bucket=bucket, Key='py/v2 ü.txt', Body=b'v2', ContentType='text/plain', Metadata={'k': 'v'}))
out['v2get'] = v2.get_object(Bucket=bucket, Key='py/v2 ü.txt')['Body'].read().decode()
v2wrong = boto3.client('s3', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id=key, aws_secret_access_key='wrong',
                  config=Config(signature_version='s3', retries={'max_attempts': 1}, s3={'addressing_style': 'path'}))
out['v2wrong'] = code(lambda: v2wrong.list_buckets())
out['wrong'] = [code(lambda: client(n, 'wrong').list_functions()) if n == 'lambda' else code(lambda: client(n, 'wrong').list_queues()) for n in ('lambda', 'sqs')]
out['wrongS3'] = code(lambda: client('s3', 'wrong').list_buckets())
past = botocore.auth.get_current_datetime() - datetime.timedelta(minutes=20)
with mock.patch('botocore.auth.get_current_datetime', return_value=past):
    out['skewed'] = code(lambda: client('lambda').list_functions())
print(json.dumps(out))
`;
    const s3 = s3Of(srv.url, A);
    const bucket = uniqueName('py');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    s3.destroy();
    const env = { ...awsToolEnv(scratch), AWS_ACCESS_KEY_ID: A.accessKeyId, AWS_SECRET_ACCESS_KEY: A.secretAccessKey };
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(PYTHON, ['-c', script, srv.url, A.accessKeyId, A.secretAccessKey, bucket], { env, timeout: 60_000, encoding: 'utf8' }, (err, out, errText) => {
        if (err) reject(new Error(`${err.message}\n${errText}`));
        else resolve(out);
      });
    });
    const out = JSON.parse(stdout);
    assert.deepEqual({ ...out, presigned: undefined, wrongPresigned: undefined }, {
      lambda: 'ok', sqs: 'ok', s3put: 'ok', presigned: undefined, wrongPresigned: undefined, v2put: 'ok', v2get: 'v2', v2wrong: 'SignatureDoesNotMatch', wrong: ['InvalidSignatureException', 'SignatureDoesNotMatch'], wrongS3: 'SignatureDoesNotMatch',
      skewed: 'InvalidSignatureException',
    });
    const fetched = await fetch(out.presigned);
    const text = await fetched.text();
    assert.equal(fetched.status, 200, `${out.presigned}: ${text}`);
    assert.equal(text, 'from boto3');
    const refused = await fetch(out.wrongPresigned);
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
    const expired = await fetch(out.presigned.replace(/Expires=\d+/, 'Expires=1000000000'));
    assert.equal(expired.status, 403);
    assert.match(await expired.text(), /<Message>Request has expired<\/Message>/);
  });

  test('the AWS CLI signs its way in with the right secret, and is refused with a wrong one', async () => {
    const envA = { ...awsToolEnv(scratch), AWS_ACCESS_KEY_ID: A.accessKeyId, AWS_SECRET_ACCESS_KEY: A.secretAccessKey };
    const queues = await awsCli(srv.url, envA, ['sqs', 'create-queue', '--queue-name', 'cli-q']);
    assert.equal(queues.code, 0, queues.stderr);
    assert.match(queues.json.QueueUrl, /\/111111111111\/cli-q$/);
    const fns = await awsCli(srv.url, envA, ['lambda', 'list-functions']);
    assert.equal(fns.code, 0, fns.stderr);
    assert.ok(fns.json.Functions.every((f: { FunctionArn: string }) => f.FunctionArn.includes(':111111111111:')));
    const buckets = await awsCli(srv.url, envA, ['s3api', 'list-buckets']);
    assert.equal(buckets.code, 0, buckets.stderr);
    const fn = await deploy(lambdaOf(srv.url, A), { 'index.js': 'exports.handler = async () => 1;' });
    const byArn = await awsCli(srv.url, envA, ['lambda', 'get-function-configuration', '--function-name', `arn:aws:lambda:us-east-1:${A.accountId}:function:${fn}`, '--qualifier', '$LATEST']);
    assert.equal(byArn.code, 0, byArn.stderr);
    const bucket = uniqueName('cli');
    assert.equal((await awsCli(srv.url, envA, ['s3api', 'create-bucket', '--bucket', bucket])).code, 0);
    const file = path.join(scratch, 'upload.txt');
    fs.writeFileSync(file, 'from the cli');
    const put = await awsCli(srv.url, envA, ['s3api', 'put-object', '--bucket', bucket, '--key', 'dir/a b+ü.txt', '--body', file]);
    assert.equal(put.code, 0, put.stderr);
    const head = await awsCli(srv.url, envA, ['s3api', 'head-object', '--bucket', bucket, '--key', 'dir/a b+ü.txt']);
    assert.equal(head.code, 0, head.stderr);
    assert.equal(head.json.ContentLength, 12);

    const envWrong = { ...envA, AWS_SECRET_ACCESS_KEY: 'wrong' };
    const lambda = await awsCli(srv.url, envWrong, ['lambda', 'list-functions']);
    assert.notEqual(lambda.code, 0);
    assert.match(lambda.stderr, /InvalidSignatureException/);
    const sqs = await awsCli(srv.url, envWrong, ['sqs', 'list-queues']);
    assert.notEqual(sqs.code, 0);
    assert.match(sqs.stderr, /SignatureDoesNotMatch/);
    const s3 = await awsCli(srv.url, envWrong, ['s3api', 'list-buckets']);
    assert.notEqual(s3.code, 0);
    assert.match(s3.stderr, /SignatureDoesNotMatch/);
    const unknown = await awsCli(srv.url, { ...envA, AWS_ACCESS_KEY_ID: 'AKIANOBODY0000000001' }, ['lambda', 'list-functions']);
    assert.match(unknown.stderr, /UnrecognizedClientException/);
  });
});

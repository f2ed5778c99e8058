// Function URLs (lambda-api.md §5 CreateFunctionUrlConfig and friends, invocation-semantics.md §6.5 and §7): the
// configuration API through the real SDK v3, and calling URLs with plain HTTP — by host name and path-style, with
// NONE and AWS_IAM auth, the exact 2.0 event, response inference, errors and CORS.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  AddPermissionCommand, CreateFunctionUrlConfigCommand, DeleteFunctionCommand, DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand, ListFunctionUrlConfigsCommand, PutFunctionConcurrencyCommand, UpdateFunctionUrlConfigCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { expectAwsError } from '../helpers/aws-errors.js';
import { deploy } from '../helpers/functions.js';
import { callByHost, callByPath, callSigned, httpCall, urlParts } from '../helpers/function-urls.js';
import { startServer, tempDir } from '../helpers/server.js';

const ACCOUNT = '000000000000';
const fnArn = (name: string, qualifier?: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/;
const FORBIDDEN = { Message: 'Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html' };

const ECHO = { 'index.mjs': 'export const handler = async (event) => event;' };
const ROUTER = {
  'index.mjs': `
export const handler = async (event) => {
  switch (event.rawPath) {
    case '/object': return { hello: 'world', n: 1 };
    case '/string': return 'Hello';
    case '/full': return { statusCode: 201, headers: { 'x-custom': 'v', 'content-type': 'text/plain' }, cookies: ['c1=v1; Path=/', 'c2=v2'], body: 'created' };
    case '/binary': return { statusCode: 200, headers: { 'content-type': 'image/png' }, body: Buffer.from([0, 1, 2, 255]).toString('base64'), isBase64Encoded: true };
    case '/throw': throw new Error('boom');
    case '/malformed': return { statusCode: 'not-a-status', body: 'x' };
    case '/cors': return { statusCode: 200, headers: { 'Access-Control-Allow-Origin': 'https://evil.example', 'x-trace': 't1' }, body: 'cors' };
    default: return { path: event.rawPath, method: event.requestContext.http.method, body: event.body ?? null };
  }
};`,
};

let srv: Awaited<ReturnType<typeof startServer>>;
let lambda: LambdaClient;
before(async () => {
  srv = await startServer();
  lambda = srv.lambda;
});
after(() => srv?.close());

/** Lets anyone call the function's NONE URL (`aws lambda add-permission --function-url-auth-type NONE`). */
async function allowPublic(fn: string): Promise<void> {
  await lambda.send(new AddPermissionCommand({
    FunctionName: fn, StatementId: 'public-url', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE',
  }));
}

async function publicUrl(files: Record<string, string>, cors?: Record<string, unknown>): Promise<{ fn: string; url: string }> {
  const fn = await deploy(lambda, files);
  const out = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: fn, AuthType: 'NONE', ...(cors ? { Cors: cors } : {}) }));
  await allowPublic(fn);
  return { fn, url: out.FunctionUrl! };
}

describe('function URL configuration API', () => {
  test('create → 201 with AWS shape; get and list add LastModifiedTime; a second create is 409', async () => {
    const fn = await deploy(lambda, ECHO);
    const cors = { AllowOrigins: ['https://app.example'], AllowMethods: ['GET', 'POST'], MaxAge: 60 };
    const created = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: fn, AuthType: 'NONE', Cors: cors }));
    assert.equal(created.$metadata.httpStatusCode, 201);
    assert.match(created.FunctionUrl!, new RegExp(`^http://[a-z0-9]{32}\\.lambda-url\\.us-east-1\\.localhost:${srv.port}/$`));
    assert.equal(created.FunctionArn, fnArn(fn));
    assert.equal(created.AuthType, 'NONE');
    assert.deepEqual(created.Cors, cors);
    assert.match(created.CreationTime!, TIMESTAMP);
    assert.equal(created.InvokeMode, 'BUFFERED');
    assert.equal((created as unknown as Record<string, unknown>).LastModifiedTime, undefined, 'Create answers without LastModifiedTime');

    const got = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: fn }));
    assert.equal(got.$metadata.httpStatusCode, 200);
    const { $metadata: _m, ...view } = got;
    assert.deepEqual(view, {
      FunctionUrl: created.FunctionUrl, FunctionArn: fnArn(fn), AuthType: 'NONE', Cors: cors,
      CreationTime: created.CreationTime, LastModifiedTime: created.CreationTime, InvokeMode: 'BUFFERED',
    });
    const listed = await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: fnArn(fn) }));
    assert.deepEqual(listed.FunctionUrlConfigs, [{
      FunctionUrl: created.FunctionUrl, FunctionArn: fnArn(fn), AuthType: 'NONE', Cors: cors,
      CreationTime: created.CreationTime, LastModifiedTime: created.CreationTime, InvokeMode: 'BUFFERED',
    }]);
    assert.equal(listed.NextMarker, undefined);

    await expectAwsError(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: fn, AuthType: 'AWS_IAM' })), {
      name: 'ResourceConflictException', status: 409,
      message: `Failed to create function url config for [functionArn = ${fnArn(fn)}]. Error message:  FunctionUrlConfig exists for this Lambda function`,
    });
    assert.equal((await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: fn }))).AuthType, 'NONE', 'the 409 changed nothing');
  });

  test('two functions get different 32-character ids; InvokeMode RESPONSE_STREAM is kept', async () => {
    const a = await deploy(lambda, ECHO);
    const b = await deploy(lambda, ECHO);
    const ua = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: a, AuthType: 'AWS_IAM' }));
    const ub = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: b, AuthType: 'AWS_IAM', InvokeMode: 'RESPONSE_STREAM' }));
    assert.match(urlParts(ua.FunctionUrl!).urlId, /^[a-z0-9]{32}$/);
    assert.notEqual(urlParts(ua.FunctionUrl!).urlId, urlParts(ub.FunctionUrl!).urlId);
    assert.equal(ub.InvokeMode, 'RESPONSE_STREAM');
    assert.equal((await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: b }))).InvokeMode, 'RESPONSE_STREAM');
  });

  test('update: members given change, others stay; a Cors replaces the old one, {} removes it; the URL stays', async () => {
    const fn = await deploy(lambda, ECHO);
    const created = await lambda.send(new CreateFunctionUrlConfigCommand({
      FunctionName: fn, AuthType: 'NONE', Cors: { AllowOrigins: ['*'], ExposeHeaders: ['x-a'] },
    }));
    await new Promise((r) => setTimeout(r, 5)); // so that LastModifiedTime can differ from CreationTime
    const updated = await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: fn, AuthType: 'AWS_IAM', Cors: { AllowMethods: ['GET'] } }));
    assert.equal(updated.$metadata.httpStatusCode, 200);
    assert.equal(updated.FunctionUrl, created.FunctionUrl);
    assert.equal(updated.AuthType, 'AWS_IAM');
    assert.deepEqual(updated.Cors, { AllowMethods: ['GET'] });
    assert.equal(updated.CreationTime, created.CreationTime);
    assert.ok(updated.LastModifiedTime! > created.CreationTime!, `${updated.LastModifiedTime} after ${created.CreationTime}`);
    const invokeMode = await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: fn, InvokeMode: 'RESPONSE_STREAM' }));
    assert.equal(invokeMode.AuthType, 'AWS_IAM', 'AuthType left out stays');
    assert.deepEqual(invokeMode.Cors, { AllowMethods: ['GET'] }, 'Cors left out stays');
    const cleared = await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: fn, Cors: {} }));
    assert.equal(cleared.Cors, undefined);
    assert.equal((await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: fn }))).Cors, undefined);
  });

  test('404s: no URL, no function, an alias that does not exist; Delete twice', async () => {
    const fn = await deploy(lambda, ECHO);
    const noUrl = { name: 'ResourceNotFoundException', status: 404, message: 'The resource you requested does not exist.' };
    await expectAwsError(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: fn })), noUrl);
    await expectAwsError(lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: fn, AuthType: 'NONE' })), noUrl);
    await expectAwsError(lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: fn })), noUrl);
    const missing = 'no-such-function-furl';
    for (const send of [
      () => lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: missing })),
      () => lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: missing, AuthType: 'NONE' })),
      () => lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: missing })),
    ]) {
      await expectAwsError(send(), { name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${fnArn(missing)}` });
    }
    await expectAwsError(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: fn, Qualifier: 'live', AuthType: 'NONE' })), {
      name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${fnArn(fn, 'live')}`,
    });
    await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: fn, AuthType: 'NONE' }));
    const deleted = await lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: fn }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    await expectAwsError(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: fn })), noUrl);
    await expectAwsError(lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: fn })), noUrl);
    assert.deepEqual((await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: fn }))).FunctionUrlConfigs, []);
  });

  test('validation: qualifier $LATEST or a version, bad AuthType/InvokeMode, CORS limits and methods; nothing is created', async () => {
    const fn = await deploy(lambda, ECHO);
    const create = (input: Record<string, unknown>) => lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: fn, AuthType: 'NONE', ...input } as never));
    await expectAwsError(create({ Qualifier: '$LATEST' }), {
      name: 'ValidationException', status: 400,
      message: "1 validation error detected: Value '$LATEST' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: ((?!^\\d+$)^[0-9a-zA-Z-_]+$)",
    });
    await expectAwsError(create({ Qualifier: '1' }), { name: 'ValidationException', status: 400, message: /Value '1' at 'qualifier'/ });
    await expectAwsError(create({ AuthType: 'OPEN' }), {
      name: 'ValidationException', status: 400,
      message: "1 validation error detected: Value 'OPEN' at 'authType' failed to satisfy constraint: Member must satisfy enum value set: [NONE, AWS_IAM]",
    });
    await expectAwsError(create({ AuthType: undefined }), { name: 'ValidationException', status: 400, message: /Value null at 'authType' failed to satisfy constraint: Member must not be null/ });
    await expectAwsError(create({ InvokeMode: 'STREAM' }), { name: 'ValidationException', status: 400, message: /at 'invokeMode'/ });
    await expectAwsError(create({ Cors: { MaxAge: 86401 } }), {
      name: 'ValidationException', status: 400,
      message: "1 validation error detected: Value '86401' at 'cors.maxAge' failed to satisfy constraint: Member must have value less than or equal to 86400",
    });
    await expectAwsError(create({ Cors: { AllowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', '*'] } }), {
      name: 'ValidationException', status: 400, message: /at 'cors.allowMethods' failed to satisfy constraint: Member must have length less than or equal to 6/,
    });
    await expectAwsError(create({ Cors: { AllowOrigins: [''] } }), { name: 'ValidationException', status: 400, message: /cors\.allowOrigins/ });
    await expectAwsError(create({ Cors: { AllowMethods: ['FETCH'] } }), { name: 'InvalidParameterValueException', status: 400, message: /FETCH/ });
    assert.deepEqual((await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: fn }))).FunctionUrlConfigs, [], 'nothing was created');
    await create({});
    await expectAwsError(lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: fn, AuthType: 'OPEN' as never })), { name: 'ValidationException', status: 400 });
    await expectAwsError(lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: fn, MaxItems: 51 })), { name: 'ValidationException', status: 400 });
    assert.equal((await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: fn }))).AuthType, 'NONE', 'the bad update changed nothing');
  });

  test('DeleteFunction removes the URL: it answers 404, and a new function of that name has none', async () => {
    const { fn, url } = await publicUrl(ECHO);
    assert.equal((await callByPath(srv.port, url)).status, 200);
    await lambda.send(new DeleteFunctionCommand({ FunctionName: fn }));
    assert.equal((await callByPath(srv.port, url)).status, 404);
    assert.equal((await callByHost(srv.port, url)).status, 404);
    await deploy(lambda, ECHO, { name: fn });
    await expectAwsError(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: fn })), { name: 'ResourceNotFoundException', status: 404 });
  });

  test('URLs and their permission survive a restart on the same data dir', async () => {
    const dataDir = tempDir();
    try {
      const first = await startServer({ dataDir, spareRuntimes: 0 });
      let created;
      let fn: string;
      try {
        fn = await deploy(first.lambda, ECHO);
        created = await first.lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: fn, AuthType: 'NONE', Cors: { AllowOrigins: ['*'] } }));
        await first.lambda.send(new AddPermissionCommand({
          FunctionName: fn, StatementId: 'public-url', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE',
        }));
      } finally {
        await first.close();
      }
      const second = await startServer({ dataDir, spareRuntimes: 0 });
      try {
        const got = await second.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: fn }));
        assert.equal(urlParts(got.FunctionUrl!).urlId, urlParts(created.FunctionUrl!).urlId);
        assert.equal(got.FunctionUrl, `http://${urlParts(created.FunctionUrl!).urlId}.lambda-url.us-east-1.localhost:${second.port}/`, 'the URL names the new port');
        assert.equal(got.CreationTime, created.CreationTime);
        assert.deepEqual(got.Cors, { AllowOrigins: ['*'] });
        const answer = await callByPath(second.port, got.FunctionUrl!, { path: '/after-restart' });
        assert.equal(answer.status, 200);
        assert.equal(answer.json.rawPath, '/after-restart');
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('calling a function URL', () => {
  test('NONE: 403 AccessDeniedException without the public permission, 200 once add-permission --function-url-auth-type NONE is in', async () => {
    const fn = await deploy(lambda, ECHO);
    const { FunctionUrl: url } = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: fn, AuthType: 'NONE' }));
    for (const call of [callByHost, callByPath]) {
      const denied = await call(srv.port, url!);
      assert.equal(denied.status, 403);
      assert.equal(denied.headers['x-amzn-errortype'], 'AccessDeniedException');
      assert.deepEqual(denied.json, FORBIDDEN);
    }
    // A grant for the other auth type, or for InvokeFunction, does not open a NONE URL.
    await lambda.send(new AddPermissionCommand({
      FunctionName: fn, StatementId: 'iam-only', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'AWS_IAM',
    }));
    await lambda.send(new AddPermissionCommand({ FunctionName: fn, StatementId: 'invoke', Action: 'lambda:InvokeFunction', Principal: '*' }));
    assert.equal((await callByHost(srv.port, url!)).status, 403);
    await allowPublic(fn);
    const allowed = await callByHost(srv.port, url!);
    assert.equal(allowed.status, 200);
    assert.equal(allowed.json.version, '2.0');
    assert.equal(allowed.json.requestContext.authorizer, undefined, 'no authorizer block for NONE');
  });

  test('the 2.0 event, field by field (path-style; binary body, repeated query keys and headers, cookies)', async () => {
    const { url } = await publicUrl(ECHO);
    const { urlId } = urlParts(url);
    const binary = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    const answer = await callByPath(srv.port, url, {
      method: 'POST', path: '/items/a%20b?x=1&x=2&y=hello+world&flag',
      headers: { 'content-type': 'application/octet-stream', 'X-Multi': ['one', 'two'], cookie: 'a=1; b=2', 'user-agent': 'furl-test/1' },
      body: binary,
    });
    assert.equal(answer.status, 200);
    const e = answer.json;
    const { requestContext: rc, headers, ...top } = e;
    assert.deepEqual(top, {
      version: '2.0', routeKey: '$default', rawPath: '/items/a%20b', rawQueryString: 'x=1&x=2&y=hello+world&flag',
      cookies: ['a=1', 'b=2'], queryStringParameters: { x: '1,2', y: 'hello world', flag: '' },
      body: binary.toString('base64'), isBase64Encoded: true,
    });
    assert.deepEqual(headers, {
      'content-type': 'application/octet-stream', 'x-multi': 'one,two', 'user-agent': 'furl-test/1', host: `127.0.0.1:${srv.port}`,
      connection: 'keep-alive', 'content-length': String(binary.length),
      'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'http', 'x-forwarded-port': String(srv.port),
    });
    const { time, timeEpoch, ...context } = rc;
    assert.deepEqual(context, {
      accountId: ACCOUNT, apiId: urlId, authentication: null,
      domainName: `${urlId}.lambda-url.us-east-1.localhost`, domainPrefix: urlId,
      http: { method: 'POST', path: '/items/a b', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'furl-test/1' },
      requestId: answer.headers['x-amzn-requestid'], routeKey: '$default', stage: '$default',
    });
    assert.ok(Math.abs(timeEpoch - Date.now()) < 60_000, `timeEpoch ${timeEpoch}`);
    assert.match(time, /^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
  });

  test('by host name: domainName from the Host, a text body stays text, no query means none', async () => {
    const { url } = await publicUrl(ECHO);
    const { urlId, host } = urlParts(url);
    const answer = await callByHost(srv.port, url, { method: 'PUT', path: '/', headers: { 'content-type': 'application/json' }, body: '{"k":"✓"}' });
    assert.equal(answer.status, 200);
    const e = answer.json;
    assert.equal(e.rawPath, '/');
    assert.equal(e.rawQueryString, '');
    assert.equal(e.queryStringParameters, undefined);
    assert.equal(e.cookies, undefined);
    assert.equal(e.headers.host, host);
    assert.equal(e.requestContext.domainName, `${urlId}.lambda-url.us-east-1.localhost`);
    assert.equal(e.requestContext.http.method, 'PUT');
    assert.equal(e.body, '{"k":"✓"}');
    assert.equal(e.isBase64Encoded, false);
  });

  test('methods: GET/POST/PUT/PATCH/DELETE/OPTIONS reach the function, HEAD answers headers only, others 405; unknown ids 404', async () => {
    const { url } = await publicUrl(ROUTER);
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      const answer = await callByPath(srv.port, url, { method, path: '/echo' });
      assert.equal(answer.status, 200, method);
      assert.deepEqual(answer.json, { path: '/echo', method, body: null }, method);
    }
    const head = await callByPath(srv.port, url, { method: 'HEAD', path: '/object' });
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(head.headers['content-type'], 'application/json');
    assert.equal((await callByPath(srv.port, url, { method: 'PROPFIND' })).status, 405);
    const unknown = 'a'.repeat(32);
    assert.equal((await httpCall(srv.port, { path: `/_lambda-url/${unknown}/` })).status, 404);
    assert.equal((await httpCall(srv.port, { headers: { host: `${unknown}.lambda-url.us-east-1.localhost:${srv.port}` } })).status, 404);
    // The right id in another region's host name is no URL either.
    assert.equal((await httpCall(srv.port, { headers: { host: `${urlParts(url).urlId}.lambda-url.eu-west-1.localhost` } })).status, 404);
  });

  test('response inference: object, string, full form with cookies, base64 body', async () => {
    const { url } = await publicUrl(ROUTER);
    const object = await callByHost(srv.port, url, { path: '/object' });
    assert.equal(object.status, 200);
    assert.equal(object.headers['content-type'], 'application/json');
    assert.equal(object.text, '{"hello":"world","n":1}');
    const string = await callByHost(srv.port, url, { path: '/string' });
    assert.equal(string.status, 200);
    assert.equal(string.headers['content-type'], 'application/json');
    assert.equal(string.text, 'Hello');
    const full = await callByHost(srv.port, url, { path: '/full' });
    assert.equal(full.status, 201);
    assert.equal(full.headers['content-type'], 'text/plain');
    assert.equal(full.headers['x-custom'], 'v');
    assert.deepEqual(full.headers['set-cookie'], ['c1=v1; Path=/', 'c2=v2']);
    assert.equal(full.text, 'created');
    const binary = await callByHost(srv.port, url, { path: '/binary' });
    assert.equal(binary.headers['content-type'], 'image/png');
    assert.deepEqual([...binary.body], [0, 1, 2, 255]);
  });

  test('function error → 502, malformed result → 502, throttled → 429, request over 6 MB → 413', async () => {
    const { fn, url } = await publicUrl(ROUTER);
    for (const path of ['/throw', '/malformed']) {
      const answer = await callByHost(srv.port, url, { path });
      assert.equal(answer.status, 502, path);
      assert.equal(answer.text, 'Internal Server Error', path);
    }
    const big = await callByPath(srv.port, url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: Buffer.alloc(6 * 1024 * 1024 + 1, 'a') });
    assert.equal(big.status, 413);
    assert.equal(big.headers['x-amzn-errortype'], 'RequestTooLargeException');
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: fn, ReservedConcurrentExecutions: 0 }));
    const throttled = await callByHost(srv.port, url, { path: '/object' });
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers['x-amzn-errortype'], 'TooManyRequestsException');
  });

  test('RESPONSE_STREAM: a streaming handler\'s prelude (status, headers, cookies) and body; raw streams; plain handlers as BUFFERED', async () => {
    const streaming = await deploy(lambda, {
      'index.mjs': `
export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  if (event.rawPath === '/raw') {
    responseStream.setContentType('text/plain');
    responseStream.write('part1,');
    responseStream.end('part2');
    return;
  }
  const stream = awslambda.HttpResponseStream.from(responseStream, { statusCode: 207, headers: { 'x-stream': 'yes', 'content-type': 'text/csv' }, cookies: ['s=1'] });
  stream.write('a,b\\n');
  stream.end('1,2\\n');
});`,
    });
    const { FunctionUrl: url } = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: streaming, AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' }));
    await allowPublic(streaming);
    const framed = await callByHost(srv.port, url!, { path: '/' });
    assert.equal(framed.status, 207, framed.text);
    assert.equal(framed.headers['x-stream'], 'yes');
    assert.equal(framed.headers['content-type'], 'text/csv');
    assert.deepEqual(framed.headers['set-cookie'], ['s=1']);
    assert.equal(framed.text, 'a,b\n1,2\n');
    const raw = await callByHost(srv.port, url!, { path: '/raw' });
    assert.equal(raw.status, 200);
    assert.equal(raw.headers['content-type'], 'text/plain');
    assert.equal(raw.text, 'part1,part2');

    const plain = await deploy(lambda, ROUTER);
    const { FunctionUrl: plainUrl } = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: plain, AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' }));
    await allowPublic(plain);
    const full = await callByPath(srv.port, plainUrl!, { path: '/full' });
    assert.equal(full.status, 201);
    assert.equal(full.text, 'created');
  });

  test('AWS_IAM: unsigned → 403, signed for another service → 403, SigV4-signed for lambda → 200 with authorizer.iam', async () => {
    const fn = await deploy(lambda, ECHO);
    const { FunctionUrl: url } = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: fn, AuthType: 'AWS_IAM' }));
    const unsigned = await callByHost(srv.port, url!, { path: '/private' });
    assert.equal(unsigned.status, 403);
    assert.equal(unsigned.headers['x-amzn-errortype'], 'AccessDeniedException');
    assert.deepEqual(unsigned.json, FORBIDDEN);
    const garbled = await callByHost(srv.port, url!, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=test/20261204/us-east-1/lambda/aws4_request' } });
    assert.equal(garbled.status, 403, 'a signature without SignedHeaders and Signature is not one');
    assert.equal((await callSigned(srv.port, url!, { path: '/private', service: 'execute-api' })).status, 403);
    const signed = await callSigned(srv.port, url!, { method: 'POST', path: '/private?q=1', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    assert.equal(signed.status, 200, signed.text);
    const e = signed.json;
    assert.equal(e.rawPath, '/private');
    assert.equal(e.rawQueryString, 'q=1');
    assert.equal(e.body, '{"a":1}');
    assert.deepEqual(e.requestContext.authorizer, {
      iam: {
        accessKey: 'test', accountId: ACCOUNT, callerId: ACCOUNT, cognitoIdentity: null, principalOrgId: null,
        userArn: `arn:aws:iam::${ACCOUNT}:root`, userId: ACCOUNT,
      },
    });
    assert.equal(e.requestContext.authentication, null);
    assert.match(e.headers.authorization, /^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/us-east-1\/lambda\/aws4_request/);
  });

  test('CORS: preflight answered from the configuration without invoking; actual responses get its headers, not the function\'s', async () => {
    const cors = {
      AllowOrigins: ['https://app.example'], AllowMethods: ['GET', 'POST'], AllowHeaders: ['x-custom', 'content-type'],
      ExposeHeaders: ['x-trace'], MaxAge: 300, AllowCredentials: true,
    };
    const { url } = await publicUrl(ROUTER, cors);
    const preflight = await callByHost(srv.port, url, {
      method: 'OPTIONS', path: '/cors', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-custom' },
    });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.text, '', 'the function did not answer the preflight');
    assert.equal(preflight.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(preflight.headers['access-control-allow-methods'], 'GET,POST');
    assert.equal(preflight.headers['access-control-allow-headers'], 'x-custom,content-type');
    assert.equal(preflight.headers['access-control-max-age'], '300');
    assert.equal(preflight.headers['access-control-allow-credentials'], 'true');
    const foreign = await callByHost(srv.port, url, {
      method: 'OPTIONS', path: '/cors', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(foreign.status, 200);
    assert.equal(foreign.headers['access-control-allow-origin'], undefined);
    assert.equal(foreign.headers['access-control-allow-methods'], undefined);

    const actual = await callByHost(srv.port, url, { path: '/cors', headers: { origin: 'https://app.example' } });
    assert.equal(actual.status, 200);
    assert.equal(actual.text, 'cors');
    assert.equal(actual.headers['access-control-allow-origin'], 'https://app.example', 'the configuration overrides the function');
    assert.equal(actual.headers['access-control-expose-headers'], 'x-trace');
    assert.equal(actual.headers['access-control-allow-credentials'], 'true');
    assert.equal(actual.headers['x-trace'], 't1');
    const other = await callByHost(srv.port, url, { path: '/cors', headers: { origin: 'https://evil.example' } });
    assert.equal(other.status, 200);
    assert.equal(other.headers['access-control-allow-origin'], undefined, "the function's own CORS header is dropped");
    assert.equal(other.headers.vary, 'Origin', 'the answer still varies by Origin');

    // OPTIONS that is no preflight (no Access-Control-Request-Method) goes to the function.
    const plainOptions = await callByHost(srv.port, url, { method: 'OPTIONS', path: '/echo', headers: { origin: 'https://app.example' } });
    assert.deepEqual(plainOptions.json, { path: '/echo', method: 'OPTIONS', body: null });
  });

  test('CORS with AllowOrigins * answers *; without Cors, function headers pass through and OPTIONS reaches the function', async () => {
    const { url: star } = await publicUrl(ROUTER, { AllowOrigins: ['*'], AllowMethods: ['*'] });
    const preflight = await callByPath(srv.port, star, { method: 'OPTIONS', headers: { origin: 'https://x.example', 'access-control-request-method': 'DELETE' } });
    assert.equal(preflight.headers['access-control-allow-origin'], '*');
    assert.equal(preflight.headers['access-control-allow-methods'], '*');
    assert.equal(preflight.headers['access-control-allow-credentials'], undefined);
    const { url: plain } = await publicUrl(ROUTER);
    const actual = await callByPath(srv.port, plain, { path: '/cors', headers: { origin: 'https://app.example' } });
    assert.equal(actual.headers['access-control-allow-origin'], 'https://evil.example');
    const options = await callByPath(srv.port, plain, { method: 'OPTIONS', path: '/echo', headers: { origin: 'https://x.example', 'access-control-request-method': 'GET' } });
    assert.deepEqual(options.json, { path: '/echo', method: 'OPTIONS', body: null });
  });
});

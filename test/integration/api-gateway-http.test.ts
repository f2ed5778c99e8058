// HTTP APIs (API Gateway v2) through the real SDK v3, called with plain HTTP: quick create, routes and
// integrations with payload format 1.0 and 2.0, the 2.0 simple-response rules, stages (invocation-semantics.md §6.5).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ApiGatewayV2Client, CreateApiCommand, CreateDeploymentCommand, CreateIntegrationCommand, CreateRouteCommand, CreateStageCommand,
  DeleteApiCommand, DeleteIntegrationCommand, GetApiCommand, GetApisCommand, GetRoutesCommand, GetStagesCommand, ImportApiCommand,
} from '@aws-sdk/client-apigatewayv2';
import { AddPermissionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { expectAwsError } from '../helpers/aws-errors.js';
import { deploy } from '../helpers/functions.js';
import { startServer, TEST_CREDENTIALS } from '../helpers/server.js';
import { call } from '../helpers/http.js';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const fnArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

/** Answers by `?as=`: the event (full 2.0 form), a plain object, a string, cookies, or an error. */
const FN = {
  'index.mjs': `export const handler = async (event) => {
    const q = event.queryStringParameters || {};
    if (q.as === 'object') return { hello: 'world', n: 1 };
    if (q.as === 'string') return 'just text';
    if (q.as === 'cookies') return { statusCode: 201, headers: { 'x-kind': 'full' }, cookies: ['a=1', 'b=2; Path=/'], body: 'made' };
    if (q.as === 'throw') throw new Error('nope');
    if (q.as === 'hdrinj') return { statusCode: 200, headers: { 'x-bad': 'a\\r\\nInjected: yes' }, body: 'x' };
    if (q.as === 'cookieinj') return { statusCode: 200, cookies: ['a=1\\r\\nX: y'], body: 'x' };
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) };
  };`,
};

let srv: Awaited<ReturnType<typeof startServer>>;
let lambda: LambdaClient;
let v2: ApiGatewayV2Client;
let fn: string;

before(async () => {
  srv = await startServer({ spareRuntimes: 1 });
  lambda = srv.lambda;
  v2 = new ApiGatewayV2Client({ endpoint: srv.url, region: REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  fn = await deploy(lambda, FN);
});
after(async () => {
  v2?.destroy();
  await srv?.close();
});

async function allow(apiId: string): Promise<void> {
  await lambda.send(new AddPermissionCommand({
    FunctionName: fn, StatementId: `http-${apiId}`, Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com',
    SourceArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${apiId}/*`,
  }));
}

const base = (apiId: string) => `${srv.url}/_execute-api/${apiId}`;

describe('quick create ($default route, $default stage with auto-deploy, payload 2.0)', () => {
  let apiId: string;
  before(async () => {
    const api = await v2.send(new CreateApiCommand({ Name: 'quick', ProtocolType: 'HTTP', Target: fnArn(fn) }));
    apiId = api.ApiId!;
    assert.equal(api.ApiEndpoint, `http://${apiId}.execute-api.localhost:${new URL(srv.url).port}`);
    await allow(apiId);
  });

  test('the function gets the 2.0 event field by field', async () => {
    const res = await call(`${base(apiId)}/some/path%20x?a=1&a=2&b=two+words`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Dup': 'one', Cookie: 'c1=v1; c2=v2' }, body: '{"in":true}',
    });
    assert.equal(res.status, 200, res.text);
    const e = res.json;
    assert.equal(e.version, '2.0');
    assert.equal(e.routeKey, '$default');
    assert.equal(e.rawPath, '/some/path%20x');
    assert.equal(e.rawQueryString, 'a=1&a=2&b=two+words');
    assert.deepEqual(e.queryStringParameters, { a: '1,2', b: 'two words' });
    assert.deepEqual(e.cookies, ['c1=v1', 'c2=v2']);
    assert.equal(e.headers['x-dup'], 'one');
    assert.equal(e.headers.cookie, undefined);
    assert.equal(e.body, '{"in":true}');
    assert.equal(e.isBase64Encoded, false);
    assert.equal(e.requestContext.apiId, apiId);
    assert.equal(e.requestContext.stage, '$default');
    assert.equal(e.requestContext.routeKey, '$default');
    assert.equal(e.requestContext.http.method, 'POST');
    assert.equal(e.requestContext.http.path, '/some/path x');
    assert.equal(e.requestContext.http.sourceIp, '127.0.0.1');
    assert.equal('pathParameters' in e, false);
    assert.equal('multiValueHeaders' in e, false);
  });

  test('simple responses: an object or a string becomes the body of a 200 JSON answer; the full form keeps cookies', async () => {
    const obj = await call(`${base(apiId)}/?as=object`);
    assert.equal(obj.status, 200);
    assert.equal(obj.headers['content-type'], 'application/json');
    assert.deepEqual(obj.json, { hello: 'world', n: 1 });
    const str = await call(`${base(apiId)}/?as=string`);
    assert.equal(str.text, 'just text');
    const full = await call(`${base(apiId)}/?as=cookies`);
    assert.equal(full.status, 201);
    assert.equal(full.headers['x-kind'], 'full');
    assert.deepEqual(full.headers['set-cookie'], ['a=1', 'b=2; Path=/']);
    assert.equal(full.text, 'made');
  });

  test('headers or cookies that cannot go on the wire are a malformed answer (502)', async () => {
    for (const as of ['hdrinj', 'cookieinj']) {
      const res = await call(`${base(apiId)}/?as=${as}`);
      assert.equal(res.status, 502, as);
      assert.deepEqual(res.json, { message: 'Internal Server Error' });
    }
  });

  test('a function error is 502; a binary body arrives base64', async () => {
    const err = await call(`${base(apiId)}/?as=throw`);
    assert.equal(err.status, 502);
    assert.deepEqual(err.json, { message: 'Internal Server Error' });
    const bin = await call(`${base(apiId)}/bin`, { method: 'PUT', headers: { 'Content-Type': 'application/octet-stream' }, body: Buffer.from([1, 2, 3, 250]) });
    assert.equal(bin.json.isBase64Encoded, true);
    assert.deepEqual([...Buffer.from(bin.json.body, 'base64')], [1, 2, 3, 250]);
  });

  test('host-style addressing with the ApiEndpoint host', async () => {
    const port = new URL(srv.url).port;
    const res = await call(`${srv.url}/hosted`, { host: `${apiId}.execute-api.localhost:${port}` });
    assert.equal(res.json.rawPath, '/hosted');
    assert.equal(res.json.requestContext.domainName, `${apiId}.execute-api.localhost`);
  });
});

describe('routes, integrations and stages', () => {
  test('1.0 and 2.0 integrations on routes; method beats ANY; a named stage with a deployment; no route → 404', async () => {
    const api = await v2.send(new CreateApiCommand({ Name: 'routed', ProtocolType: 'HTTP' }));
    const apiId = api.ApiId!;
    await allow(apiId);
    const i1 = await v2.send(new CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: fnArn(fn), PayloadFormatVersion: '1.0' }));
    const i2 = await v2.send(new CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: fnArn(fn), PayloadFormatVersion: '2.0' }));
    await v2.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /items/{id}', Target: `integrations/${i1.IntegrationId}` }));
    await v2.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: 'ANY /items/{id}', Target: `integrations/${i2.IntegrationId}` }));
    await v2.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: 'ANY /files/{path+}', Target: `integrations/${i2.IntegrationId}` }));
    await v2.send(new CreateStageCommand({ ApiId: apiId, StageName: 'live', AutoDeploy: false }));
    assert.equal((await call(`${base(apiId)}/live/items/1`)).status, 404, 'a stage without a deployment serves nothing');
    await v2.send(new CreateDeploymentCommand({ ApiId: apiId, StageName: 'live' }));

    const get = await call(`${base(apiId)}/live/items/42?x=1&x=2`);
    assert.equal(get.status, 200, get.text);
    assert.equal(get.json.version, '1.0');
    assert.equal(get.json.resource, '/items/{id}');
    assert.deepEqual(get.json.pathParameters, { id: '42' });
    assert.deepEqual(get.json.multiValueQueryStringParameters, { x: ['1', '2'] });
    assert.equal(get.json.requestContext.stage, 'live');

    assert.equal(get.json.path, '/live/items/42', 'a named stage stays in the event\'s path');
    const del = await call(`${base(apiId)}/live/items/42`, { method: 'DELETE' });
    assert.equal(del.json.version, '2.0');
    assert.equal(del.json.rawPath, '/live/items/42');
    assert.equal(del.json.requestContext.http.path, '/live/items/42');
    assert.equal(del.json.routeKey, 'ANY /items/{id}');
    assert.deepEqual(del.json.pathParameters, { id: '42' });

    const greedy = await call(`${base(apiId)}/live/files/a/b/c.txt`);
    assert.deepEqual(greedy.json.pathParameters, { path: 'a/b/c.txt' });

    const none = await call(`${base(apiId)}/live/elsewhere`);
    assert.equal(none.status, 404);
    assert.deepEqual(none.json, { message: 'Not Found' });

    // A route added after the deployment is not served until the next one.
    await v2.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /later', Target: `integrations/${i2.IntegrationId}` }));
    assert.equal((await call(`${base(apiId)}/live/later`)).status, 404);
    await v2.send(new CreateDeploymentCommand({ ApiId: apiId, StageName: 'live' }));
    assert.equal((await call(`${base(apiId)}/live/later`)).status, 200);

    const routes = await v2.send(new GetRoutesCommand({ ApiId: apiId }));
    assert.equal(routes.Items!.length, 4);
    const stages = await v2.send(new GetStagesCommand({ ApiId: apiId }));
    assert.deepEqual(stages.Items!.map((s) => s.StageName), ['live']);
  });

  test('without permission the call is 500 and nothing runs', async () => {
    const other = await deploy(lambda, FN);
    const api = await v2.send(new CreateApiCommand({ Name: 'denied', ProtocolType: 'HTTP', Target: fnArn(other) }));
    const res = await call(`${base(api.ApiId!)}/x`);
    assert.equal(res.status, 500);
    assert.deepEqual(res.json, { message: 'Internal Server Error' });
  });

  test('management errors and listing', async () => {
    const api = await v2.send(new CreateApiCommand({ Name: 'errs', ProtocolType: 'HTTP' }));
    const apiId = api.ApiId!;
    assert.match(api.CreatedDate!.toISOString(), /^\d{4}-/);
    const i = await v2.send(new CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: fnArn(fn), PayloadFormatVersion: '2.0' }));
    await v2.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /a', Target: `integrations/${i.IntegrationId}` }));
    await expectAwsError(v2.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /a' })), { name: 'ConflictException', status: 409 });
    await expectAwsError(v2.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: 'FETCH /a' })), { name: 'BadRequestException', status: 400 });
    await expectAwsError(v2.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /b', Target: 'integrations/nope' })), { name: 'BadRequestException', status: 400 });
    await expectAwsError(v2.send(new DeleteIntegrationCommand({ ApiId: apiId, IntegrationId: i.IntegrationId! })), { name: 'ConflictException', status: 409 });
    await expectAwsError(v2.send(new CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: fnArn(fn), PayloadFormatVersion: '3.0' })), { name: 'BadRequestException', status: 400 });
    await expectAwsError(v2.send(new GetApiCommand({ ApiId: 'missing000' })), { name: 'NotFoundException', status: 404 });
    const apis = await v2.send(new GetApisCommand({}));
    assert.ok(apis.Items!.some((a) => a.ApiId === apiId));
    await v2.send(new DeleteApiCommand({ ApiId: apiId }));
    await expectAwsError(v2.send(new GetApiCommand({ ApiId: apiId })), { name: 'NotFoundException', status: 404 });
  });
});

describe('configuration that could never work is refused when it is made', () => {
  const count = async () => (await v2.send(new GetApisCommand({ MaxResults: '500' }))).Items!.length;

  test('quick create with a Target that is neither a Lambda function ARN nor an http(s) URL creates nothing', async () => {
    const before = await count();
    for (const Target of ['not-a-target', 'arn:aws:s3:::bucket', `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:x:1`, 'ftp://example.com/x']) {
      await expectAwsError(v2.send(new CreateApiCommand({ Name: 'bad-target', ProtocolType: 'HTTP', Target })), { name: 'BadRequestException', status: 400 });
    }
    assert.equal(await count(), before);
    const url = await v2.send(new CreateApiCommand({ Name: 'url-target', ProtocolType: 'HTTP', Target: 'https://example.com/api' }));
    assert.ok(url.ApiId);
  });

  test('a route key with a repeated path parameter is refused', async () => {
    const api = await v2.send(new CreateApiCommand({ Name: 'routes', ProtocolType: 'HTTP' }));
    await expectAwsError(v2.send(new CreateRouteCommand({ ApiId: api.ApiId!, RouteKey: 'GET /x/{a}/{a}' })), { name: 'BadRequestException', status: 400 });
    await expectAwsError(v2.send(new CreateRouteCommand({ ApiId: api.ApiId!, RouteKey: 'GET /x/{a}/{a+}' })), { name: 'BadRequestException', status: 400 });
    await expectAwsError(v2.send(new CreateApiCommand({ Name: 'q', ProtocolType: 'HTTP', Target: fnArn(fn), RouteKey: 'GET /{id}/{id}' })), {
      name: 'BadRequestException', status: 400,
    });
    await v2.send(new CreateRouteCommand({ ApiId: api.ApiId!, RouteKey: 'GET /x/{a}/{b}' }));
  });

  test('an AWS (non-proxy) integration, which HTTP APIs do not have, is refused', async () => {
    const api = await v2.send(new CreateApiCommand({ Name: 'aws-type', ProtocolType: 'HTTP' }));
    await expectAwsError(v2.send(new CreateIntegrationCommand({ ApiId: api.ApiId!, IntegrationType: 'AWS', IntegrationUri: fnArn(fn) })), {
      name: 'BadRequestException', status: 400,
    });
  });

  test('Name and Description follow the model\'s bounds (1-128, up to 1024 characters)', async () => {
    await expectAwsError(v2.send(new CreateApiCommand({ Name: 'n'.repeat(129), ProtocolType: 'HTTP' })), { name: 'BadRequestException', status: 400 });
    await expectAwsError(v2.send(new CreateApiCommand({ Name: 'd', ProtocolType: 'HTTP', Description: 'd'.repeat(1025) })), { name: 'BadRequestException', status: 400 });
    const ok = await v2.send(new CreateApiCommand({ Name: 'n'.repeat(128), ProtocolType: 'HTTP', Description: 'd'.repeat(1024) }));
    assert.equal(ok.Name, 'n'.repeat(128));
  });

  test('ImportApi (OpenAPI) is refused and creates nothing', async () => {
    const before = await count();
    const body = JSON.stringify({ openapi: '3.0.1', info: { title: 'imported', version: '1' }, paths: {} });
    await expectAwsError(v2.send(new ImportApiCommand({ Body: body })), { name: 'BadRequestException', status: 400 });
    assert.equal(await count(), before);
  });
});

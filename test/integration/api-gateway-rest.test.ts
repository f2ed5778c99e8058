// REST APIs (API Gateway v1) built through the real SDK v3 and called with plain HTTP: proxy (payload 1.0, sync),
// non-proxy with mapping templates, async fixed in the integration or chosen by the client's X-Amz-Invocation-Type,
// greedy paths, repeated query keys, binary bodies, error mapping, a missing permission (invocation-semantics.md §6).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  APIGatewayClient, CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, DeleteRestApiCommand, GetResourcesCommand,
  GetRestApiCommand, GetRestApisCommand, GetStagesCommand, ImportRestApiCommand, PutIntegrationCommand, PutIntegrationResponseCommand,
  PutMethodCommand, PutMethodResponseCommand, PutRestApiCommand, UpdateRestApiCommand,
} from '@aws-sdk/client-api-gateway';
import { AddPermissionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createQueue, queueDepth, receiveJson, REPORTER, type Report } from '../helpers/async.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { deploy } from '../helpers/functions.js';
import { call } from '../helpers/http.js';
import { startServer, tempDir, TEST_CREDENTIALS } from '../helpers/server.js';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const fnArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const lambdaUri = (name: string) => `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${fnArn(name)}/invocations`;

/** Proxy function: answers with the event it got; `?status=` and `?mode=` steer the answer. */
const ECHO = {
  'index.mjs': `export const handler = async (event) => {
    const q = event.queryStringParameters || {};
    if (q.mode === 'throw') throw new Error('boom');
    if (q.mode === 'malformed') return { statusCode: 200, body: { not: 'a string' } };
    if (q.mode === 'hdrinj') return { statusCode: 200, headers: { 'X-Bad': 'a\\r\\nInjected: yes' }, body: 'x' };
    if (q.mode === 'framing') return { statusCode: 200, headers: { 'Content-Length': '1', 'Transfer-Encoding': 'chunked' }, body: 'hello' };
    if (q.mode === 'nocontent') return { statusCode: 204, body: 'ignored' };
    if (q.mode === 'badname') return { statusCode: 200, headers: { 'Bad Name': 'v' }, body: 'x' };
    if (q.mode === 'binary') return { statusCode: 200, headers: { 'Content-Type': 'image/png' }, body: Buffer.from([137, 80, 78, 71]).toString('base64'), isBase64Encoded: true };
    return { statusCode: Number(q.status || 200), headers: { 'Content-Type': 'application/json', 'X-Echo': 'yes' }, multiValueHeaders: { 'X-Multi': ['a', 'b'] }, body: JSON.stringify(event) };
  };`,
};

/** Non-proxy function: gets whatever the request template made; fails when asked to. */
const CUSTOM = {
  'index.mjs': `export const handler = async (event) => {
    if (event.fail) throw new Error(event.fail);
    return { received: event, sum: (event.a || 0) + (event.b || 0) };
  };`,
};

let srv: Awaited<ReturnType<typeof startServer>>;
let lambda: LambdaClient;
let apigw: APIGatewayClient;
let sqs: SQSClient;
let echoFn: string;
let customFn: string;

before(async () => {
  srv = await startServer({ spareRuntimes: 1 });
  lambda = srv.lambda;
  const client = { endpoint: srv.url, region: REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  apigw = new APIGatewayClient(client);
  sqs = new SQSClient(client);
  echoFn = await deploy(lambda, ECHO);
  customFn = await deploy(lambda, CUSTOM);
});
after(async () => {
  apigw?.destroy();
  sqs?.destroy();
  await srv?.close();
});

async function allowApi(fn: string, apiId: string, sid = `apigw-${apiId}`): Promise<void> {
  await lambda.send(new AddPermissionCommand({
    FunctionName: fn, StatementId: sid, Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com',
    SourceArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${apiId}/*`,
  }));
}

interface Api {
  id: string;
  rootId: string;
}

async function newApi(extra: { binaryMediaTypes?: string[] } = {}): Promise<Api> {
  const out = await apigw.send(new CreateRestApiCommand({ name: 'test-api', ...extra }));
  return { id: out.id!, rootId: out.rootResourceId! };
}

async function resource(api: Api, parentId: string, pathPart: string): Promise<string> {
  return (await apigw.send(new CreateResourceCommand({ restApiId: api.id, parentId, pathPart }))).id!;
}

async function proxyMethod(api: Api, resourceId: string, fn: string, httpMethod = 'ANY'): Promise<void> {
  await apigw.send(new PutMethodCommand({ restApiId: api.id, resourceId, httpMethod, authorizationType: 'NONE' }));
  await apigw.send(new PutIntegrationCommand({
    restApiId: api.id, resourceId, httpMethod, type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: lambdaUri(fn),
  }));
}

async function deployStage(api: Api, stageName = 'prod'): Promise<void> {
  await apigw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName }));
}

const stageUrl = (api: Api, stage = 'prod') => `${srv.url}/_execute-api/${api.id}/${stage}`;

describe('proxy integration (AWS_PROXY, payload 1.0)', () => {
  let api: Api;
  before(async () => {
    api = await newApi({ binaryMediaTypes: ['image/png'] });
    const items = await resource(api, api.rootId, 'items');
    const item = await resource(api, items, '{id}');
    await proxyMethod(api, item, echoFn, 'GET');
    await proxyMethod(api, item, echoFn, 'POST');
    const greedy = await resource(api, api.rootId, '{proxy+}');
    await proxyMethod(api, greedy, echoFn);
    await allowApi(echoFn, api.id);
    await deployStage(api);
  });

  test('the function gets the 1.0 event and its answer becomes the HTTP response', async () => {
    const res = await call(`${stageUrl(api)}/items/a%20b?x=1&x=2&y=hello+world`, { headers: { 'X-Custom': 'v1', Cookie: 'c=1' } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['x-echo'], 'yes');
    assert.equal(res.headers['x-multi'], 'a, b');
    const e = res.json;
    assert.equal(e.resource, '/items/{id}');
    assert.equal(e.path, '/items/a b');
    assert.equal(e.httpMethod, 'GET');
    assert.deepEqual(e.pathParameters, { id: 'a b' });
    assert.deepEqual(e.queryStringParameters, { x: '2', y: 'hello world' });
    assert.deepEqual(e.multiValueQueryStringParameters, { x: ['1', '2'], y: ['hello world'] });
    assert.equal(e.headers['X-Custom'], 'v1');
    assert.deepEqual(e.multiValueHeaders['X-Custom'], ['v1']);
    assert.equal(e.stageVariables, null);
    assert.equal(e.body, null);
    assert.equal(e.isBase64Encoded, false);
    assert.equal(e.requestContext.stage, 'prod');
    assert.equal(e.requestContext.apiId, api.id);
    assert.equal(e.requestContext.accountId, ACCOUNT);
    assert.equal(e.requestContext.resourcePath, '/items/{id}');
    assert.equal(e.requestContext.path, '/prod/items/a b');
    assert.equal(e.requestContext.httpMethod, 'GET');
    assert.equal(e.requestContext.identity.sourceIp, '127.0.0.1');
    assert.match(e.requestContext.requestTime, /^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    assert.equal(e.requestContext.requestId, res.headers['x-amzn-requestid']);
  });

  test('a JSON body arrives as text; a binary media type arrives base64; base64 answers are decoded', async () => {
    const json = await call(`${stageUrl(api)}/items/7`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"k":1}' });
    assert.equal(json.json.body, '{"k":1}');
    assert.equal(json.json.isBase64Encoded, false);
    const png = Buffer.from([137, 80, 78, 71, 0, 255]);
    const bin = await call(`${stageUrl(api)}/items/7`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: png });
    assert.equal(bin.json.isBase64Encoded, true);
    assert.deepEqual(Buffer.from(bin.json.body, 'base64'), png);
    const out = await call(`${stageUrl(api)}/items/7?mode=binary`, { headers: { Accept: 'image/png' } });
    assert.equal(out.headers['content-type'], 'image/png');
    assert.deepEqual([...out.body], [137, 80, 78, 71], 'decoded: the client accepts a binary media type');
    const text = await call(`${stageUrl(api)}/items/7?mode=binary`, { headers: { Accept: 'text/plain' } });
    assert.equal(text.text, Buffer.from([137, 80, 78, 71]).toString('base64'), 'not decoded when the first Accept type is not binary');
  });

  test('greedy paths take the rest of the path; literal resources win over them', async () => {
    const res = await call(`${stageUrl(api)}/deep/er/path?z=1`, { method: 'DELETE' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.resource, '/{proxy+}');
    assert.deepEqual(res.json.pathParameters, { proxy: 'deep/er/path' });
    assert.equal(res.json.httpMethod, 'DELETE');
  });

  test('host-style addressing: <api-id>.execute-api.localhost:<port>/<stage>/<path>', async () => {
    const port = new URL(srv.url).port;
    const res = await call(`${srv.url}/prod/items/9`, { host: `${api.id}.execute-api.localhost:${port}` });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json.pathParameters, { id: '9' });
    assert.equal(res.json.requestContext.domainName, `${api.id}.execute-api.localhost`);
    assert.equal(res.json.requestContext.domainPrefix, api.id);
  });

  test('the function\'s status code passes through; a function error or a malformed answer is 502', async () => {
    assert.equal((await call(`${stageUrl(api)}/items/1?status=418`)).status, 418);
    const thrown = await call(`${stageUrl(api)}/items/1?mode=throw`);
    assert.equal(thrown.status, 502);
    assert.deepEqual(thrown.json, { message: 'Internal server error' });
    const malformed = await call(`${stageUrl(api)}/items/1?mode=malformed`);
    assert.equal(malformed.status, 502);
    assert.deepEqual(malformed.json, { message: 'Internal server error' });
  });

  test('a body over API Gateway\'s 10 MB payload limit is refused with 413 before the function runs', async () => {
    const res = await call(`${stageUrl(api)}/items/1`, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: Buffer.alloc(10 * 1024 * 1024 + 1) });
    assert.equal(res.status, 413);
    assert.deepEqual(res.json, { message: 'Request Too Long' });
  });

  test('headers that cannot go on the wire make the answer malformed (502), never a broken response', async () => {
    for (const mode of ['hdrinj', 'badname']) {
      const res = await call(`${stageUrl(api)}/items/1?mode=${mode}`);
      assert.equal(res.status, 502, mode);
      assert.deepEqual(res.json, { message: 'Internal server error' });
      assert.equal(res.headers.injected, undefined);
      assert.ok(res.headers['x-amzn-requestid']);
    }
  });

  test('framing headers from the function are remapped, never sent as the response\'s own; a 204 carries no body', async () => {
    const res = await call(`${stageUrl(api)}/items/1?mode=framing`);
    assert.equal(res.status, 200);
    assert.equal(res.text, 'hello');
    assert.equal(res.headers['content-length'], '5');
    assert.equal(res.headers['x-amzn-remapped-content-length'], '1');
    assert.equal(res.headers['x-amzn-remapped-transfer-encoding'], 'chunked');
    const empty = await call(`${stageUrl(api)}/items/1?mode=nocontent`);
    assert.equal(empty.status, 204);
    assert.equal(empty.text, '');
  });

  test('a Host naming an unknown API is answered by the API front (404), not taken for a bucket', async () => {
    const res = await call(`${srv.url}/prod/items/1`, { host: 'nope.execute-api.localhost' });
    assert.equal(res.status, 404);
    assert.deepEqual(res.json, { message: 'Not Found' });
  });

  test('an event over Lambda\'s 6 MB payload limit is refused (500) without running the function', async () => {
    const res = await call(`${stageUrl(api)}/items/1`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x'.repeat(7 * 1024 * 1024) });
    assert.equal(res.status, 500);
    assert.deepEqual(res.json, { message: 'Internal server error' });
  });

  test('the event carries X-Forwarded-For, -Port and -Proto as API Gateway adds them', async () => {
    const res = await call(`${stageUrl(api)}/items/1`, { headers: { 'X-Forwarded-For': '203.0.113.9' } });
    assert.equal(res.json.headers['X-Forwarded-For'], '203.0.113.9, 127.0.0.1');
    assert.equal(res.json.headers['X-Forwarded-Port'], new URL(srv.url).port);
    assert.equal(res.json.headers['X-Forwarded-Proto'], 'http');
  });

  test('unknown routes and stages are refused as API Gateway does', async () => {
    const root = await call(`${stageUrl(api)}/`, { method: 'GET' });
    assert.equal(root.status, 403);
    assert.deepEqual(root.json, { message: 'Missing Authentication Token' });
    assert.equal(root.headers['x-amzn-errortype'], 'MissingAuthenticationTokenException');
    const stage = await call(`${stageUrl(api, 'nostage')}/items/1`);
    assert.equal(stage.status, 403);
    assert.deepEqual(stage.json, { message: 'Forbidden' });
    const noApi = await call(`${srv.url}/_execute-api/zzzzzzzzzz/prod/items/1`);
    assert.equal(noApi.status, 404);
  });
});

describe('permissions', () => {
  test('without a resource policy allowing apigateway.amazonaws.com the call is 500 and the function never runs; a wrong SourceArn too', async () => {
    const q = await createQueue(sqs, 'apigw-perm');
    const reporter = await deploy(lambda, { 'index.mjs': REPORTER }, { environment: { OUT_NAME: q.name } });
    const api = await newApi();
    await proxyMethod(api, await resource(api, api.rootId, 'r'), reporter);
    await deployStage(api);
    const denied = await call(`${stageUrl(api)}/r`);
    assert.equal(denied.status, 500);
    assert.deepEqual(denied.json, { message: 'Internal server error' });
    await lambda.send(new AddPermissionCommand({
      FunctionName: reporter, StatementId: 'other-api', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com',
      SourceArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:otherapi00/*`,
    }));
    assert.equal((await call(`${stageUrl(api)}/r`)).status, 500, 'another API\'s SourceArn does not allow this one');
    await allowApi(reporter, api.id);
    const ok = await call(`${stageUrl(api)}/r`);
    assert.equal(ok.status, 502, 'allowed now: the function runs (its answer is not in the proxy format, hence 502)');
    const reports = await receiveJson<Report>(sqs, q.url, 2);
    assert.deepEqual(reports.map((r) => r.phase).sort(), ['end', 'start'], 'one run, from the allowed call');
    assert.equal(reports[0]!.event.resource, '/r');
    assert.equal(await queueDepth(sqs, q.url), 0, 'the refused calls never ran');
  });
});

describe('non-proxy integration (AWS) with mapping templates', () => {
  let api: Api;
  before(async () => {
    api = await newApi();
    const calc = await resource(api, api.rootId, 'calc');
    await apigw.send(new PutMethodCommand({
      restApiId: api.id, resourceId: calc, httpMethod: 'POST', authorizationType: 'NONE',
      requestParameters: { 'method.request.header.X-Amz-Invocation-Type': false, 'method.request.querystring.b': false },
    }));
    await apigw.send(new PutIntegrationCommand({
      restApiId: api.id, resourceId: calc, httpMethod: 'POST', type: 'AWS', integrationHttpMethod: 'POST', uri: lambdaUri(customFn),
      requestParameters: { 'integration.request.header.X-Amz-Invocation-Type': 'method.request.header.X-Amz-Invocation-Type' },
      requestTemplates: {
        'application/json': '{"a": $input.json(\'$.a\'), "b": $input.params(\'b\'), "fail": $input.json(\'$.fail\'), "stage": "$context.stage", "ip": "$context.identity.sourceIp"}',
      },
      passthroughBehavior: 'NEVER',
    }));
    await apigw.send(new PutMethodResponseCommand({ restApiId: api.id, resourceId: calc, httpMethod: 'POST', statusCode: '200' }));
    await apigw.send(new PutMethodResponseCommand({ restApiId: api.id, resourceId: calc, httpMethod: 'POST', statusCode: '400' }));
    await apigw.send(new PutIntegrationResponseCommand({
      restApiId: api.id, resourceId: calc, httpMethod: 'POST', statusCode: '200',
      responseTemplates: { 'application/json': '{"result": $input.json(\'$.sum\'), "stageSeen": $input.json(\'$.received.stage\')}' },
      responseParameters: { 'method.response.header.X-Answer': "'computed'" },
    }));
    await apigw.send(new PutIntegrationResponseCommand({
      restApiId: api.id, resourceId: calc, httpMethod: 'POST', statusCode: '400', selectionPattern: 'bad input.*',
      responseTemplates: { 'application/json': '{"error": "$util.escapeJavaScript($input.path(\'$.errorMessage\'))"}' },
    }));
    await allowApi(customFn, api.id);
    await deployStage(api);
  });

  test('the request template shapes the event; the response template and header mapping shape the answer', async () => {
    const res = await call(`${stageUrl(api)}/calc?b=5`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"a": 37}' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, { result: 42, stageSeen: 'prod' });
    assert.equal(res.headers['x-answer'], 'computed');
  });

  test('a function error matching a selection pattern maps to its status; others take the default response', async () => {
    const bad = await call(`${stageUrl(api)}/calc?b=1`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"fail": "bad input: a is missing"}' });
    assert.equal(bad.status, 400, bad.text);
    assert.deepEqual(bad.json, { error: 'bad input: a is missing' });
    const other = await call(`${stageUrl(api)}/calc?b=1`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"fail": "kaput"}' });
    assert.equal(other.status, 200, 'an unmatched error goes to the default response, as on AWS');
  });

  test('no template for the content type with passthrough NEVER → 415', async () => {
    const res = await call(`${stageUrl(api)}/calc`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'hi' });
    assert.equal(res.status, 415);
    assert.deepEqual(res.json, { message: 'Unsupported Media Type' });
  });
});

describe('asynchronous invocation through a non-proxy integration', () => {
  async function asyncApi(mapping: string, methodParams: Record<string, boolean>) {
    const q = await createQueue(sqs, 'apigw-async');
    const fn = await deploy(lambda, { 'index.mjs': REPORTER }, { environment: { OUT_NAME: q.name } });
    const api = await newApi();
    const work = await resource(api, api.rootId, 'work');
    await apigw.send(new PutMethodCommand({ restApiId: api.id, resourceId: work, httpMethod: 'POST', authorizationType: 'NONE', requestParameters: methodParams }));
    await apigw.send(new PutIntegrationCommand({
      restApiId: api.id, resourceId: work, httpMethod: 'POST', type: 'AWS', integrationHttpMethod: 'POST', uri: lambdaUri(fn),
      requestParameters: { 'integration.request.header.X-Amz-Invocation-Type': mapping },
    }));
    await apigw.send(new PutMethodResponseCommand({ restApiId: api.id, resourceId: work, httpMethod: 'POST', statusCode: '202' }));
    await apigw.send(new PutIntegrationResponseCommand({
      restApiId: api.id, resourceId: work, httpMethod: 'POST', statusCode: '202', responseTemplates: { 'application/json': '{"accepted": true}' },
    }));
    await allowApi(fn, api.id);
    await deployStage(api);
    return { api, q };
  }

  test('fixed in the integration (\'Event\'): the client is answered before the function finishes, and it runs', async () => {
    const { api, q } = await asyncApi("'Event'", {});
    const started = Date.now();
    const res = await call(`${stageUrl(api)}/work`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"sleepMs": 1500, "job": 1}' });
    const answeredAfter = Date.now() - started;
    assert.equal(res.status, 202, res.text);
    assert.deepEqual(res.json, { accepted: true });
    const reports = await receiveJson<Report>(sqs, q.url, 2);
    const end = reports.find((r) => r.phase === 'end')!;
    assert.equal(end.event.job, 1);
    assert.ok(end.at - started >= 1500 && answeredAfter < end.at - started, 'the answer came before the function ended');
  });

  test('chosen by the client header: Event answers at once, without it the call waits for the result', async () => {
    const { api, q } = await asyncApi('method.request.header.X-Amz-Invocation-Type', { 'method.request.header.X-Amz-Invocation-Type': false });
    const res = await call(`${stageUrl(api)}/work`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Amz-Invocation-Type': 'Event' }, body: '{"sleepMs": 1000, "job": "async"}',
    });
    assert.equal(res.status, 202);
    const sync = await call(`${stageUrl(api)}/work`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"job": "sync"}' });
    assert.equal(sync.status, 202, 'the default integration response is the one configured');
    const reports = await receiveJson<Report>(sqs, q.url, 4);
    const ends = reports.filter((r) => r.phase === 'end');
    assert.deepEqual(ends.map((r) => r.event.job).sort(), ['async', 'sync']);
    const syncEnd = ends.find((r) => r.event.job === 'sync')!;
    const asyncEnd = ends.find((r) => r.event.job === 'async')!;
    assert.ok(syncEnd.at > 0 && asyncEnd.at > 0);
  });

  test('DryRun from the client checks and runs nothing; a value Lambda does not know is 500', async () => {
    const { api, q } = await asyncApi('method.request.header.X-Amz-Invocation-Type', { 'method.request.header.X-Amz-Invocation-Type': false });
    const dry = await call(`${stageUrl(api)}/work`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Amz-Invocation-Type': 'DryRun' }, body: '{"job": "dry"}' });
    assert.equal(dry.status, 202, dry.text);
    for (const bad of ['Bogus', 'event']) {
      const res = await call(`${stageUrl(api)}/work`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Amz-Invocation-Type': bad }, body: '{"job": "bad"}' });
      assert.equal(res.status, 500, bad);
    }
    const after = await call(`${stageUrl(api)}/work`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"job": "real"}' });
    assert.equal(after.status, 202);
    const reports = await receiveJson<Report>(sqs, q.url, 2);
    assert.deepEqual(reports.map((r) => r.event.job), ['real', 'real'], 'only the real call ran');
  });
});

describe('AWS_IAM methods', () => {
  test('unsigned → 403 Missing Authentication Token; signed for another service → 403; signed for execute-api → the identity in the event', async () => {
    const api = await newApi();
    const r = await resource(api, api.rootId, 'iam');
    await apigw.send(new PutMethodCommand({ restApiId: api.id, resourceId: r, httpMethod: 'GET', authorizationType: 'AWS_IAM' }));
    await apigw.send(new PutIntegrationCommand({ restApiId: api.id, resourceId: r, httpMethod: 'GET', type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: lambdaUri(echoFn) }));
    await allowApi(echoFn, api.id, 'iam-api');
    await deployStage(api);
    const auth = (service: string) => `AWS4-HMAC-SHA256 Credential=AKIDCALLER/20261204/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc`;
    const unsigned = await call(`${stageUrl(api)}/iam`);
    assert.equal(unsigned.status, 403);
    assert.deepEqual(unsigned.json, { message: 'Missing Authentication Token' });
    const wrong = await call(`${stageUrl(api)}/iam`, { headers: { Authorization: auth('s3') } });
    assert.equal(wrong.status, 403);
    const ok = await call(`${stageUrl(api)}/iam`, { headers: { Authorization: auth('execute-api') } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.requestContext.identity.accessKey, 'AKIDCALLER');
    assert.equal(ok.json.requestContext.identity.accountId, ACCOUNT);
    assert.equal(ok.json.requestContext.identity.userArn, `arn:aws:iam::${ACCOUNT}:root`);
  });
});

describe('mapping work off the event loop', () => {
  test('a template whose regex backtracks for ages fails at the integration timeout (500) while the server keeps answering', async () => {
    const api = await newApi();
    const slow = await resource(api, api.rootId, 'slow');
    await apigw.send(new PutMethodCommand({ restApiId: api.id, resourceId: slow, httpMethod: 'POST', authorizationType: 'NONE' }));
    await apigw.send(new PutIntegrationCommand({
      restApiId: api.id, resourceId: slow, httpMethod: 'POST', type: 'AWS', integrationHttpMethod: 'POST', uri: lambdaUri(customFn), timeoutInMillis: 1000,
      requestTemplates: { 'application/json': '{"m": $input.path(\'$.s\').matches("(a+)+b")}' },
    }));
    await apigw.send(new PutIntegrationResponseCommand({ restApiId: api.id, resourceId: slow, httpMethod: 'POST', statusCode: '200' }));
    await allowApi(customFn, api.id, 'slow-api');
    await deployStage(api);
    const order: string[] = [];
    const stuck = call(`${stageUrl(api)}/slow`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ s: 'a'.repeat(40) }) })
      .then((r) => { order.push('template'); return r; });
    const health = await call(`${srv.url}/_lambkin/health`);
    order.push('health');
    assert.equal(health.status, 200);
    const res = await stuck;
    assert.equal(res.status, 500);
    assert.deepEqual(res.json, { message: 'Internal server error' });
    assert.deepEqual(order, ['health', 'template'], 'the health check was answered while the template ran');
  });
});

describe('management API', () => {
  test('list, get, resources with embedded methods, stages, update binary media types, delete; errors as API Gateway', async () => {
    const api = await newApi();
    const r = await resource(api, api.rootId, 'things');
    await proxyMethod(api, r, echoFn, 'GET');
    await deployStage(api, 'dev');
    const list = await apigw.send(new GetRestApisCommand({}));
    assert.ok(list.items!.some((a) => a.id === api.id));
    const got = await apigw.send(new GetRestApiCommand({ restApiId: api.id }));
    assert.equal(got.name, 'test-api');
    assert.ok(got.createdDate instanceof Date);
    const resources = await apigw.send(new GetResourcesCommand({ restApiId: api.id, embed: ['methods'] }));
    const things = resources.items!.find((x) => x.path === '/things')!;
    assert.equal(things.resourceMethods!.GET!.methodIntegration!.type, 'AWS_PROXY');
    assert.equal(resources.items!.find((x) => x.path === '/')!.id, api.rootId);
    const stages = await apigw.send(new GetStagesCommand({ restApiId: api.id }));
    assert.deepEqual(stages.item!.map((s) => s.stageName), ['dev']);
    const updated = await apigw.send(new UpdateRestApiCommand({
      restApiId: api.id, patchOperations: [{ op: 'add', path: '/binaryMediaTypes/image~1jpeg' }, { op: 'replace', path: '/name', value: 'renamed' }],
    }));
    assert.deepEqual(updated.binaryMediaTypes, ['image/jpeg']);
    assert.equal(updated.name, 'renamed');

    await expectAwsError(apigw.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootId, pathPart: 'things' })), {
      name: 'ConflictException', status: 409, message: 'Another resource with the same parent already has this name: things',
    });
    await expectAwsError(apigw.send(new PutMethodCommand({ restApiId: api.id, resourceId: r, httpMethod: 'GET', authorizationType: 'NONE' })), {
      name: 'ConflictException', status: 409, message: 'Method already exists for this resource',
    });
    await expectAwsError(apigw.send(new PutIntegrationCommand({
      restApiId: api.id, resourceId: r, httpMethod: 'GET', type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: 'arn:aws:s3:::nope',
    })), { name: 'BadRequestException', status: 400, message: 'AWS ARN for integration must contain path or action' });
    await expectAwsError(apigw.send(new GetRestApiCommand({ restApiId: 'nosuchapi0' })), {
      name: 'NotFoundException', status: 404, message: `Invalid API identifier specified ${ACCOUNT}:nosuchapi0`,
    });
    await expectAwsError(apigw.send(new UpdateRestApiCommand({ restApiId: api.id, patchOperations: [{ op: 'add', path: '/binaryMediaTypes/~2' }] })), {
      name: 'BadRequestException', status: 400,
    });
    const nullOp = await call(`${srv.url}/restapis/${api.id}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: '{"patchOperations":[null]}' });
    assert.equal(nullOp.status, 400, nullOp.text);
    const empty = await newApi();
    await expectAwsError(apigw.send(new CreateDeploymentCommand({ restApiId: empty.id, stageName: 'x' })), {
      name: 'BadRequestException', status: 400, message: 'The REST API doesn\'t contain any methods',
    });
    const del = await apigw.send(new DeleteRestApiCommand({ restApiId: api.id }));
    assert.equal(del.$metadata.httpStatusCode, 202);
    assert.equal((await call(`${stageUrl(api, 'dev')}/things`)).status, 404);
  });

  test('APIs, deployments and stages survive a restart', async () => {
    const keepDir = tempDir();
    const own = await startServer({ spareRuntimes: 0, dataDir: keepDir });
    const client = new APIGatewayClient({ endpoint: own.url, region: REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    const fn = await deploy(own.lambda, ECHO);
    const created = await client.send(new CreateRestApiCommand({ name: 'durable' }));
    await client.send(new PutMethodCommand({ restApiId: created.id!, resourceId: created.rootResourceId!, httpMethod: 'GET', authorizationType: 'NONE' }));
    await client.send(new PutIntegrationCommand({
      restApiId: created.id!, resourceId: created.rootResourceId!, httpMethod: 'GET', type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: lambdaUri(fn),
    }));
    await client.send(new CreateDeploymentCommand({ restApiId: created.id!, stageName: 'v1' }));
    await own.lambda.send(new AddPermissionCommand({
      FunctionName: fn, StatementId: 'apigw', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com',
      SourceArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${created.id}/*/GET/`,
    }));
    client.destroy();
    const { createLambkin } = await import('../../src/app.js');
    await own.close();
    const again = await createLambkin({ port: 0, dataDir: keepDir, logLevel: 'warn', spareRuntimes: 0 });
    try {
      const res = await call(`${again.url}/_execute-api/${created.id}/v1/`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.resource, '/');
    } finally {
      await again.close();
    }
  });
});

describe('mapping templates and selection patterns as on API Gateway (Java Velocity, Java regex, quotas)', () => {
  let api: Api;
  before(async () => {
    api = await newApi();
    const names = await resource(api, api.rootId, 'names');
    await apigw.send(new PutMethodCommand({ restApiId: api.id, resourceId: names, httpMethod: 'POST', authorizationType: 'NONE' }));
    await apigw.send(new PutIntegrationCommand({
      restApiId: api.id, resourceId: names, httpMethod: 'POST', type: 'AWS', integrationHttpMethod: 'POST', uri: lambdaUri(customFn),
      requestTemplates: {
        'application/json': `#set($name = $input.path('$.name'))
{"len": $name.length(), "empty": $name.isEmpty(), "word": $name.matches('(?i)\\p{Alpha}+'), "upper": "$name.toUpperCase()", "fail": $input.json('$.fail'),
 "count": #set($n = 0)#foreach($i in $input.path('$.items'))#set($n = $n + 1)#end$n}`,
      },
    }));
    await apigw.send(new PutMethodResponseCommand({ restApiId: api.id, resourceId: names, httpMethod: 'POST', statusCode: '200' }));
    await apigw.send(new PutMethodResponseCommand({ restApiId: api.id, resourceId: names, httpMethod: 'POST', statusCode: '404' }));
    await apigw.send(new PutIntegrationResponseCommand({
      restApiId: api.id, resourceId: names, httpMethod: 'POST', statusCode: '200',
      responseTemplates: { 'application/json': '$input.json(\'$.received\')' },
    }));
    await apigw.send(new PutIntegrationResponseCommand({
      restApiId: api.id, resourceId: names, httpMethod: 'POST', statusCode: '404', selectionPattern: '(?i).*not found.*',
      responseTemplates: { 'application/json': '{"missing": "$util.escapeJavaScript($input.path(\'$.errorMessage\'))"}' },
    }));
    const range = await resource(api, api.rootId, 'range');
    await apigw.send(new PutMethodCommand({ restApiId: api.id, resourceId: range, httpMethod: 'GET', authorizationType: 'NONE' }));
    await apigw.send(new PutIntegrationCommand({
      restApiId: api.id, resourceId: range, httpMethod: 'GET', type: 'AWS', integrationHttpMethod: 'POST', uri: lambdaUri(customFn),
      requestTemplates: { 'application/json': '{"a": #set($n = 0)#foreach($i in [1..10000000])#set($n = $n + 1)#end$n}' },
    }));
    await apigw.send(new PutIntegrationResponseCommand({ restApiId: api.id, resourceId: range, httpMethod: 'GET', statusCode: '200' }));
    await allowApi(customFn, api.id);
    await deployStage(api);
  });

  const post = (body: string) => call(`${stageUrl(api)}/names`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });

  test('template values are Java objects: String length(), isEmpty(), matches() with a Java regex', async () => {
    const res = await post('{"name": "Zoë", "items": [1, 2, 3]}');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, { len: 3, empty: false, word: false, upper: 'ZOË', fail: null, count: 3 });
    const ascii = await post('{"name": "Ann", "items": []}');
    assert.deepEqual(ascii.json, { len: 3, empty: false, word: true, upper: 'ANN', fail: null, count: 0 });
  });

  test('a (?i) selection pattern maps a function error to 404', async () => {
    const res = await post('{"name": "x", "items": [], "fail": "Item 7 NOT FOUND"}');
    assert.equal(res.status, 404, res.text);
    assert.deepEqual(res.json, { missing: 'Item 7 NOT FOUND' });
  });

  test('a #foreach over more than 1000 items, or a huge range, is a 500; a concurrent call is answered correctly meanwhile', async () => {
    const huge = `{"name": "x", "items": [${new Array(3_300_000).fill('0').join(',')}]}`;
    const [big, range, small] = await Promise.all([
      post(huge),
      call(`${stageUrl(api)}/range`),
      post('{"name": "ok", "items": [1]}'),
    ]);
    assert.equal(big.status, 500, big.text);
    assert.deepEqual(big.json, { message: 'Internal server error' });
    assert.equal(range.status, 500, range.text);
    assert.deepEqual(range.json, { message: 'Internal server error' });
    assert.equal(small.status, 200, small.text);
    assert.equal(small.json.count, 1);
    const limit = await post(`{"name": "x", "items": [${new Array(1000).fill('0').join(',')}]}`);
    assert.equal(limit.json.count, 1000, 'exactly the quota still runs');
  });
});

describe('management validation: templates, selection patterns, OpenAPI import', () => {
  test('a mapping template over 300 KB is refused at PutIntegration and PutIntegrationResponse', async () => {
    const api = await newApi();
    const r = await resource(api, api.rootId, 'big');
    await apigw.send(new PutMethodCommand({ restApiId: api.id, resourceId: r, httpMethod: 'POST', authorizationType: 'NONE' }));
    const big = `{"a": "${'x'.repeat(300 * 1024)}"}`;
    const integration = { restApiId: api.id, resourceId: r, httpMethod: 'POST', type: 'AWS' as const, integrationHttpMethod: 'POST', uri: lambdaUri(customFn) };
    await expectAwsError(apigw.send(new PutIntegrationCommand({ ...integration, requestTemplates: { 'application/json': big } })), { name: 'BadRequestException', status: 400 });
    await apigw.send(new PutIntegrationCommand({ ...integration, requestTemplates: { 'application/json': 'x'.repeat(300 * 1024) } }));
    await expectAwsError(apigw.send(new PutIntegrationResponseCommand({
      restApiId: api.id, resourceId: r, httpMethod: 'POST', statusCode: '200', responseTemplates: { 'application/json': big },
    })), { name: 'BadRequestException', status: 400 });
  });

  test('selection patterns are validated as Java regexes', async () => {
    const api = await newApi();
    await apigw.send(new PutMethodCommand({ restApiId: api.id, resourceId: api.rootId, httpMethod: 'POST', authorizationType: 'NONE' }));
    await apigw.send(new PutIntegrationCommand({
      restApiId: api.id, resourceId: api.rootId, httpMethod: 'POST', type: 'AWS', integrationHttpMethod: 'POST', uri: lambdaUri(customFn),
    }));
    const put = (selectionPattern: string) => apigw.send(new PutIntegrationResponseCommand({
      restApiId: api.id, resourceId: api.rootId, httpMethod: 'POST', statusCode: '400', selectionPattern,
    }));
    assert.equal((await put('(?i)bad \\Q[input]\\E \\p{Alnum}++')).selectionPattern, '(?i)bad \\Q[input]\\E \\p{Alnum}++');
    await expectAwsError(put('bad{'), { name: 'BadRequestException', status: 400 });
    await expectAwsError(put('[a-z&&[^x]]'), { name: 'BadRequestException', status: 400 });
  });

  test('ImportRestApi and PutRestApi are refused and change nothing', async () => {
    const before = (await apigw.send(new GetRestApisCommand({ limit: 500 }))).items!.length;
    const openapi = JSON.stringify({ openapi: '3.0.1', info: { title: 'imported', version: '1' }, paths: { '/x': { get: {} } } });
    await expectAwsError(apigw.send(new ImportRestApiCommand({ body: new TextEncoder().encode(openapi) })), { name: 'BadRequestException', status: 400 });
    assert.equal((await apigw.send(new GetRestApisCommand({ limit: 500 }))).items!.length, before, 'no API was created');
    const api = await newApi();
    await expectAwsError(apigw.send(new PutRestApiCommand({ restApiId: api.id, mode: 'overwrite', body: new TextEncoder().encode(openapi) })), {
      name: 'BadRequestException', status: 400,
    });
    const resources = await apigw.send(new GetResourcesCommand({ restApiId: api.id }));
    assert.deepEqual(resources.items!.map((x) => x.path), ['/'], 'the API is unchanged');
  });
});

// API Gateway through the real AWS CLI (`aws apigateway ...`, `aws apigatewayv2 ...`) against a spawned
// `lambkin start`, then called with curl: a REST proxy API and a non-proxy async one, and an HTTP API quick create.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { awsOk, awsToolEnv } from '../helpers/aws-cli.js';
import { ACCOUNT, REPORTER } from '../helpers/async.js';
import { ROLE } from '../helpers/functions.js';
import { tempDir, uniqueName, waitFor } from '../helpers/server.js';
import { killAllSpawned, spawnLambkin, stopLambkin, type SpawnedLambkin } from '../helpers/spawned-lambkin.js';
import { zipOf } from '../helpers/zip.js';

const execFileP = promisify(execFile);
const scratch = tempDir('lambkin-e2e-cli-apigw-');
const env = awsToolEnv(scratch);
const REGION = 'us-east-1';

after(async () => {
  await killAllSpawned();
  fs.rmSync(scratch, { recursive: true, force: true });
});

async function curl(args: string[]): Promise<{ status: number; body: string }> {
  const { stdout } = await execFileP('curl', ['-s', '-w', '\n%{http_code}', ...args], { encoding: 'utf8' });
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

describe('AWS CLI: API Gateway against `lambkin start`', () => {
  let server: SpawnedLambkin;
  let aws: (...args: string[]) => Promise<any>;
  const fn = uniqueName('apigw-cli');
  const worker = uniqueName('apigw-worker');
  const outQueue = uniqueName('apigw-out');

  before(async () => {
    server = await spawnLambkin(path.join(scratch, 'data'));
    aws = async (...args: string[]) => (await awsOk(server.url, env, args)).json;
    const echo = path.join(scratch, 'echo.zip');
    fs.writeFileSync(echo, zipOf({ 'index.mjs': 'export const handler = async (e) => ({ statusCode: 200, body: JSON.stringify({ path: e.path, id: e.pathParameters && e.pathParameters.id, q: e.multiValueQueryStringParameters }) });' }));
    await aws('lambda', 'create-function', '--function-name', fn, '--runtime', 'nodejs20.x', '--role', ROLE, '--handler', 'index.handler', '--zip-file', `fileb://${echo}`);
    const reporter = path.join(scratch, 'reporter.zip');
    fs.writeFileSync(reporter, zipOf({ 'index.mjs': REPORTER }));
    await aws('sqs', 'create-queue', '--queue-name', outQueue);
    await aws('lambda', 'create-function', '--function-name', worker, '--runtime', 'nodejs20.x', '--role', ROLE, '--handler', 'index.handler',
      '--zip-file', `fileb://${reporter}`, '--environment', `Variables={OUT_NAME=${outQueue}}`);
    for (const f of [fn, worker]) {
      await aws('lambda', 'add-permission', '--function-name', f, '--statement-id', 'apigw', '--action', 'lambda:InvokeFunction',
        '--principal', 'apigateway.amazonaws.com', '--source-arn', `arn:aws:execute-api:${REGION}:${ACCOUNT}:*`);
    }
  });
  after(async () => {
    if (server) await stopLambkin(server);
  });

  const uri = (f: string) => `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/arn:aws:lambda:${REGION}:${ACCOUNT}:function:${f}/invocations`;

  test('a REST proxy API: create-rest-api, create-resource, put-method, put-integration, create-deployment, then curl', async () => {
    const api = await aws('apigateway', 'create-rest-api', '--name', 'cli-api');
    const items = await aws('apigateway', 'create-resource', '--rest-api-id', api.id, '--parent-id', api.rootResourceId, '--path-part', 'items');
    const item = await aws('apigateway', 'create-resource', '--rest-api-id', api.id, '--parent-id', items.id, '--path-part', '{id}');
    assert.equal(item.path, '/items/{id}');
    await aws('apigateway', 'put-method', '--rest-api-id', api.id, '--resource-id', item.id, '--http-method', 'GET', '--authorization-type', 'NONE');
    const integration = await aws('apigateway', 'put-integration', '--rest-api-id', api.id, '--resource-id', item.id, '--http-method', 'GET',
      '--type', 'AWS_PROXY', '--integration-http-method', 'POST', '--uri', uri(fn));
    assert.equal(integration.type, 'AWS_PROXY');
    const deployment = await aws('apigateway', 'create-deployment', '--rest-api-id', api.id, '--stage-name', 'prod');
    assert.match(deployment.id, /^[a-z0-9]+$/);
    const res = await curl([`${server.url}/_execute-api/${api.id}/prod/items/77?tag=a&tag=b`]);
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(JSON.parse(res.body), { path: '/items/77', id: '77', q: { tag: ['a', 'b'] } });
    const port = new URL(server.url).port;
    const hosted = await curl(['-H', `Host: ${api.id}.execute-api.localhost:${port}`, `${server.url}/prod/items/5`]);
    assert.equal(JSON.parse(hosted.body).id, '5');
    const resources = await aws('apigateway', 'get-resources', '--rest-api-id', api.id);
    assert.deepEqual(resources.items.map((r: any) => r.path).sort(), ['/', '/items', '/items/{id}']);
  });

  test('a non-proxy integration made asynchronous by the client header X-Amz-Invocation-Type: Event', async () => {
    const api = await aws('apigateway', 'create-rest-api', '--name', 'cli-async');
    const jobs = await aws('apigateway', 'create-resource', '--rest-api-id', api.id, '--parent-id', api.rootResourceId, '--path-part', 'jobs');
    await aws('apigateway', 'put-method', '--rest-api-id', api.id, '--resource-id', jobs.id, '--http-method', 'POST', '--authorization-type', 'NONE',
      '--request-parameters', 'method.request.header.X-Amz-Invocation-Type=false');
    await aws('apigateway', 'put-integration', '--rest-api-id', api.id, '--resource-id', jobs.id, '--http-method', 'POST', '--type', 'AWS',
      '--integration-http-method', 'POST', '--uri', uri(worker),
      '--request-parameters', 'integration.request.header.X-Amz-Invocation-Type=method.request.header.X-Amz-Invocation-Type');
    await aws('apigateway', 'put-method-response', '--rest-api-id', api.id, '--resource-id', jobs.id, '--http-method', 'POST', '--status-code', '200');
    await aws('apigateway', 'put-integration-response', '--rest-api-id', api.id, '--resource-id', jobs.id, '--http-method', 'POST', '--status-code', '200',
      '--response-templates', '{"application/json": "{\\"queued\\": true}"}');
    await aws('apigateway', 'create-deployment', '--rest-api-id', api.id, '--stage-name', 'v1');
    const res = await curl(['-X', 'POST', '-H', 'Content-Type: application/json', '-H', 'X-Amz-Invocation-Type: Event', '-d', '{"job": "cli", "sleepMs": 300}',
      `${server.url}/_execute-api/${api.id}/v1/jobs`]);
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(JSON.parse(res.body), { queued: true });
    const queueUrl = `${server.url}/${ACCOUNT}/${outQueue}`;
    const got = await waitFor('the worker\'s end report', async () => {
      const r = await aws('sqs', 'receive-message', '--queue-url', queueUrl, '--max-number-of-messages', '10', '--wait-time-seconds', '1');
      const ends = (r?.Messages ?? []).map((m: any) => JSON.parse(m.Body)).filter((b: any) => b.phase === 'end');
      return ends[0];
    }, 20_000, 0);
    assert.equal(got.event.job, 'cli');
  });

  test('an HTTP API by quick create: apigatewayv2 create-api --target, then curl the $default stage', async () => {
    const api = await aws('apigatewayv2', 'create-api', '--name', 'cli-http', '--protocol-type', 'HTTP', '--target', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fn}`);
    assert.match(api.ApiEndpoint, new RegExp(`^http://${api.ApiId}\\.execute-api\\.localhost:\\d+$`));
    const res = await curl([`${server.url}/_execute-api/${api.ApiId}/hello`]);
    assert.equal(res.status, 200, res.body);
    const stages = await aws('apigatewayv2', 'get-stages', '--api-id', api.ApiId);
    assert.deepEqual(stages.Items.map((s: any) => [s.StageName, s.AutoDeploy]), [['$default', true]]);
    const routes = await aws('apigatewayv2', 'get-routes', '--api-id', api.ApiId);
    assert.equal(routes.Items[0].RouteKey, '$default');
  });
});

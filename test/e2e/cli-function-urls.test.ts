// Function URLs end to end as a user drives them: the real AWS CLI against a spawned `lambkin start`
// (create-, get-, update-, list- and delete-function-url-config, add-permission --function-url-auth-type NONE),
// then curl calling the URL it printed — by its host name, path-style, and SigV4-signed for an AWS_IAM URL.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { awsCli, awsOk, awsToolEnv, type CliResult } from '../helpers/aws-cli.js';
import { ROLE } from '../helpers/functions.js';
import { tempDir, uniqueName } from '../helpers/server.js';
import { killAllSpawned, spawnLambkin, stopLambkin, type SpawnedLambkin } from '../helpers/spawned-lambkin.js';
import { zipOf } from '../helpers/zip.js';

const scratch = tempDir('lambkin-e2e-furl-');
const env = awsToolEnv(scratch);
const ACCOUNT = '000000000000';

after(async () => {
  await killAllSpawned();
  fs.rmSync(scratch, { recursive: true, force: true });
});

interface Curl {
  code: number;
  status: number;
  body: string;
  headers: string;
}

/** curl with `-sS`, the status printed after the body; never rejects. Bounded by 30 s. */
function curl(args: string[]): Promise<Curl> {
  return new Promise((resolve) => {
    const headerFile = path.join(scratch, `headers-${uniqueName('h')}`);
    execFile('curl', ['-sS', '-D', headerFile, '-w', '\n%{http_code}', ...args], { timeout: 30_000, killSignal: 'SIGKILL', encoding: 'utf8' }, (err, stdout, stderr) => {
      const cut = stdout.lastIndexOf('\n');
      const headers = fs.existsSync(headerFile) ? fs.readFileSync(headerFile, 'utf8') : '';
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) + stderr, headers });
    });
  });
}

function assertCliError(r: CliResult, code: string, message: RegExp): void {
  assert.ok(r.code === 254 || r.code === 255, `exit code ${r.code}, stderr: ${r.stderr}`);
  assert.match(r.stderr, new RegExp(`An error occurred \\(${code}\\) when calling the \\w+ operation`));
  assert.match(r.stderr, message);
}

describe('AWS CLI and curl: function URLs against `lambkin start`', () => {
  let server: SpawnedLambkin;
  let zipArg: string;
  before(async () => {
    server = await spawnLambkin(path.join(scratch, 'data'));
    const file = path.join(scratch, 'echo.zip');
    fs.writeFileSync(file, zipOf({
      'index.mjs': `export const handler = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json', 'x-from': 'function' },
  cookies: ['seen=1'],
  body: JSON.stringify({ rawPath: event.rawPath, query: event.queryStringParameters ?? null, method: event.requestContext.http.method, iam: event.requestContext.authorizer?.iam ?? null, body: event.body ?? null }),
});\n`,
    }));
    zipArg = `fileb://${file}`;
  });
  after(async () => {
    if (server) await stopLambkin(server);
  });

  async function createFunction(): Promise<string> {
    const fn = uniqueName('cli-furl');
    await awsOk(server.url, env, [
      'lambda', 'create-function', '--function-name', fn, '--runtime', 'nodejs20.x', '--handler', 'index.handler', '--role', ROLE, '--zip-file', zipArg,
    ]);
    return fn;
  }

  test('create / get / list / update / delete-function-url-config; add-permission --function-url-auth-type NONE; curl the URL', async () => {
    const fn = await createFunction();
    const port = new URL(server.url).port;
    const created = (await awsOk(server.url, env, [
      'lambda', 'create-function-url-config', '--function-name', fn, '--auth-type', 'NONE',
      '--cors', 'AllowOrigins=https://app.example,AllowMethods=GET,POST,MaxAge=120',
    ])).json;
    assert.match(created.FunctionUrl, new RegExp(`^http://[a-z0-9]{32}\\.lambda-url\\.us-east-1\\.localhost:${port}/$`));
    assert.equal(created.FunctionArn, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${fn}`);
    assert.equal(created.AuthType, 'NONE');
    assert.deepEqual(created.Cors, { AllowOrigins: ['https://app.example'], AllowMethods: ['GET', 'POST'], MaxAge: 120 });
    assert.equal(created.InvokeMode, 'BUFFERED');
    const urlId = new URL(created.FunctionUrl).hostname.split('.')[0];

    const got = (await awsOk(server.url, env, ['lambda', 'get-function-url-config', '--function-name', fn])).json;
    assert.equal(got.FunctionUrl, created.FunctionUrl);
    assert.equal(got.CreationTime, created.CreationTime);
    assert.ok(got.LastModifiedTime);
    const listed = (await awsOk(server.url, env, ['lambda', 'list-function-url-configs', '--function-name', fn])).json;
    assert.deepEqual(listed.FunctionUrlConfigs.map((c: any) => c.FunctionUrl), [created.FunctionUrl]);
    assertCliError(await awsCli(server.url, env, ['lambda', 'create-function-url-config', '--function-name', fn, '--auth-type', 'NONE']),
      'ResourceConflictException', /FunctionUrlConfig exists for this Lambda function/);

    // No permission yet: the public URL refuses.
    const denied = await curl([created.FunctionUrl]);
    assert.equal(denied.code, 0, `curl resolves *.localhost itself: ${denied.body}`);
    assert.equal(denied.status, 403);
    assert.match(denied.body, /"Message":"Forbidden\. For troubleshooting Function URL authorization issues/);
    assert.match(denied.headers, /x-amzn-ErrorType: AccessDeniedException/i);

    const permission = (await awsOk(server.url, env, [
      'lambda', 'add-permission', '--function-name', fn, '--statement-id', 'public-url', '--action', 'lambda:InvokeFunctionUrl',
      '--principal', '*', '--function-url-auth-type', 'NONE',
    ])).json;
    assert.deepEqual(JSON.parse(permission.Statement).Condition, { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } });

    const byHost = await curl([`${created.FunctionUrl}hello/world?a=1&a=2`]);
    assert.equal(byHost.status, 200, byHost.body);
    assert.deepEqual(JSON.parse(byHost.body), { rawPath: '/hello/world', query: { a: '1,2' }, method: 'GET', iam: null, body: null });
    assert.match(byHost.headers, /x-from: function/i);
    assert.match(byHost.headers, /set-cookie: seen=1/i);

    const byPath = await curl(['-X', 'POST', '-H', 'content-type: text/plain', '--data-binary', 'hi there', `${server.url}/_lambda-url/${urlId}/submit`]);
    assert.equal(byPath.status, 200, byPath.body);
    assert.deepEqual(JSON.parse(byPath.body), { rawPath: '/submit', query: null, method: 'POST', iam: null, body: 'hi there' });

    const preflight = await curl(['-X', 'OPTIONS', '-H', 'Origin: https://app.example', '-H', 'Access-Control-Request-Method: POST', created.FunctionUrl]);
    assert.equal(preflight.status, 200);
    assert.match(preflight.headers, /access-control-allow-origin: https:\/\/app\.example/i);
    assert.match(preflight.headers, /access-control-allow-methods: GET,POST/i);
    assert.match(preflight.headers, /access-control-max-age: 120/i);

    const updated = (await awsOk(server.url, env, ['lambda', 'update-function-url-config', '--function-name', fn, '--auth-type', 'AWS_IAM'])).json;
    assert.equal(updated.AuthType, 'AWS_IAM');
    assert.equal(updated.FunctionUrl, created.FunctionUrl);
    assert.equal((await curl([created.FunctionUrl])).status, 403, 'an AWS_IAM URL refuses unsigned requests');

    await awsOk(server.url, env, ['lambda', 'delete-function-url-config', '--function-name', fn]);
    assertCliError(await awsCli(server.url, env, ['lambda', 'get-function-url-config', '--function-name', fn]),
      'ResourceNotFoundException', /The resource you requested does not exist\./);
    assert.equal((await curl([created.FunctionUrl])).status, 404);
    const empty = (await awsOk(server.url, env, ['lambda', 'list-function-url-configs', '--function-name', fn])).json;
    assert.deepEqual(empty.FunctionUrlConfigs, []);
  });

  test('an AWS_IAM URL answers a request curl signs with --aws-sigv4 for the lambda service', async () => {
    const fn = await createFunction();
    const created = (await awsOk(server.url, env, ['lambda', 'create-function-url-config', '--function-name', fn, '--auth-type', 'AWS_IAM'])).json;
    const signed = await curl(['--aws-sigv4', 'aws:amz:us-east-1:lambda', '--user', 'test:test', `${created.FunctionUrl}private`]);
    assert.equal(signed.status, 200, signed.body);
    const out = JSON.parse(signed.body);
    assert.equal(out.rawPath, '/private');
    assert.equal(out.iam.accessKey, 'test');
    assert.equal(out.iam.accountId, ACCOUNT);
    const unsigned = await curl([`${created.FunctionUrl}private`]);
    assert.equal(unsigned.status, 403);
  });
});

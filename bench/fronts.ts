/**
 * (i)–(j) The HTTP fronts: a REST API proxy route (AWS_PROXY, payload 1.0) and a function URL (AuthType NONE,
 * payload 2.0) to a no-op function at 16 clients, read beside the bare node:http ceiling and the direct Invoke
 * figure of the same run.
 */
import http from 'node:http';
import { zipSync } from 'fflate';
import { httpRequest, runLoad, type LoadResult } from './load.js';

const scope = (service: string) => `AWS4-HMAC-SHA256 Credential=test/20261203/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`;
const ACCOUNT = '000000000000';

function send(port: number, service: string, method: string, urlPath: string, body?: unknown): Promise<any> {
  const text = body === undefined ? '' : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request({
      port, host: '127.0.0.1', method, path: urlPath,
      headers: { Authorization: scope(service), 'X-Amz-Date': '20261203T000000Z', 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) },
    }, (res) => {
      let out = '';
      res.on('data', (c) => (out += c));
      res.on('end', () => (res.statusCode! < 300 ? resolve(out ? JSON.parse(out) : {}) : reject(new Error(`${method} ${urlPath} → ${res.statusCode}: ${out}`))));
    });
    req.on('error', reject);
    req.end(text);
  });
}

/** A no-op function answering in the proxy format, allowed for API Gateway. */
async function proxyFunction(port: number, name: string): Promise<string> {
  const code = 'exports.handler = async () => ({ statusCode: 200, body: "ok" });\n';
  const zip = Buffer.from(zipSync({ 'index.js': new TextEncoder().encode(code) })).toString('base64');
  await send(port, 'lambda', 'POST', '/2015-03-31/functions', {
    FunctionName: name, Runtime: 'nodejs20.x', Role: `arn:aws:iam::${ACCOUNT}:role/bench`, Handler: 'index.handler', Code: { ZipFile: zip },
  });
  await send(port, 'lambda', 'POST', `/2015-03-31/functions/${name}/policy`, {
    StatementId: 'apigw', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com', SourceArn: `arn:aws:execute-api:us-east-1:${ACCOUNT}:*`,
  });
  return `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
}

/** REST API `GET /noop` → the function, deployed to stage `bench`; returns the path-style URL path. */
async function restProxyRoute(port: number, functionArn: string): Promise<string> {
  const api = await send(port, 'apigateway', 'POST', '/restapis', { name: 'bench' });
  const res = await send(port, 'apigateway', 'POST', `/restapis/${api.id}/resources/${api.rootResourceId}`, { pathPart: 'noop' });
  const method = `/restapis/${api.id}/resources/${res.id}/methods/GET`;
  await send(port, 'apigateway', 'PUT', method, { authorizationType: 'NONE' });
  await send(port, 'apigateway', 'PUT', `${method}/integration`, {
    type: 'AWS_PROXY', httpMethod: 'POST', uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${functionArn}/invocations`,
  });
  await send(port, 'apigateway', 'POST', `/restapis/${api.id}/deployments`, { stageName: 'bench' });
  return `/_execute-api/${api.id}/bench/noop`;
}

/** A public (AuthType NONE) URL for the function; returns the path-style URL path. */
async function functionUrl(port: number, name: string): Promise<string> {
  const config = await send(port, 'lambda', 'POST', `/2021-10-31/functions/${name}/url`, { AuthType: 'NONE' });
  await send(port, 'lambda', 'POST', `/2015-03-31/functions/${name}/policy`, {
    StatementId: 'url', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE',
  });
  const id = /^https?:\/\/([a-z0-9]+)\.lambda-url\./.exec(config.FunctionUrl)![1];
  return `/_lambda-url/${id}/`;
}

async function load(port: number, urlPath: string, durationMs: number, warmupMs: number): Promise<LoadResult> {
  const request = httpRequest('GET', urlPath, {});
  await runLoad({ port, request, clients: 16, durationMs: warmupMs });
  return runLoad({ port, request, clients: 16, durationMs, expectStatus: 200 });
}

export async function benchFronts(port: number, durationMs: number, warmupMs: number): Promise<{ proxy16: LoadResult; url16: LoadResult }> {
  const fn = await proxyFunction(port, 'noop-proxy');
  const proxy16 = await load(port, await restProxyRoute(port, fn), durationMs, warmupMs);
  const url16 = await load(port, await functionUrl(port, 'noop-proxy'), durationMs, warmupMs);
  return { proxy16, url16 };
}

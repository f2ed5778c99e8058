// The proxy event formats and response rules of API Gateway and function URLs (invocation-semantics.md §6.4–7).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isTextContentType, matchesMediaType, queryPairs, requestTime, type HttpRequest } from '../../src/apigw/engine/http-request.js';
import { payloadV1, payloadV2, type RouteMatch } from '../../src/apigw/engine/proxy-event.js';
import { MalformedProxyResponse, responseV1, responseV2 } from '../../src/apigw/engine/proxy-response.js';

const T = Date.parse('2026-03-04T19:15:17.123Z');

function request(over: Partial<HttpRequest> = {}): HttpRequest {
  return {
    method: 'POST', rawPath: '/items/a%20b', rawQueryString: 'x=1&x=2&y=hello+world&z=%E2%9C%93',
    headers: [['Host', 'abc123.execute-api.localhost'], ['User-Agent', 'curl/8'], ['X-Multi', 'one'], ['X-Multi', 'two'], ['Cookie', 'a=1; b=2']],
    body: Buffer.from('{"k":1}'), sourceIp: '127.0.0.1', protocol: 'HTTP/1.1', domainName: 'abc123.execute-api.localhost', timeMs: T,
    requestId: 'req-1', ...over,
  };
}

const ROUTE: RouteMatch = {
  accountId: '000000000000', apiId: 'abc123', stage: 'prod', resource: '/items/{id}', resourceId: 'r1',
  pathParameters: { id: 'a b' }, stageVariables: {}, binaryBody: false,
};

describe('request helpers', () => {
  test('query pairs decode + and %XX, keep order and repeats, survive bad escapes', () => {
    assert.deepEqual(queryPairs('x=1&x=2&y=hello+world&z=%E2%9C%93&bad=%ZZ&flag'), [
      ['x', '1'], ['x', '2'], ['y', 'hello world'], ['z', '✓'], ['bad', '%ZZ'], ['flag', ''],
    ]);
    assert.deepEqual(queryPairs(''), []);
  });
  test('request time in the access-log form', () => assert.equal(requestTime(T), '04/Mar/2026:19:15:17 +0000'));
  test('text content types travel as text, others as base64', () => {
    for (const t of ['text/plain', 'text/html; charset=utf-8', 'application/json', 'application/vnd.api+json', 'application/xml', 'application/x-www-form-urlencoded']) {
      assert.equal(isTextContentType(t), true, t);
    }
    for (const t of [undefined, 'image/png', 'application/octet-stream', 'application/pdf']) assert.equal(isTextContentType(t), false, String(t));
  });
  test('binary media types with wildcards', () => {
    assert.equal(matchesMediaType('image/png', ['image/*']), true);
    assert.equal(matchesMediaType('image/png; q=1', ['*/*']), true);
    assert.equal(matchesMediaType('text/plain', ['image/*', 'application/octet-stream']), false);
    assert.equal(matchesMediaType(undefined, ['*/*']), false);
  });
});

describe('payload format 1.0', () => {
  test('a REST proxy event, field by field', () => {
    const e = payloadV1(request(), ROUTE);
    assert.deepEqual(e, {
      resource: '/items/{id}',
      path: '/items/a b',
      httpMethod: 'POST',
      headers: { Host: 'abc123.execute-api.localhost', 'User-Agent': 'curl/8', 'X-Multi': 'two', Cookie: 'a=1; b=2' },
      multiValueHeaders: { Host: ['abc123.execute-api.localhost'], 'User-Agent': ['curl/8'], 'X-Multi': ['one', 'two'], Cookie: ['a=1; b=2'] },
      queryStringParameters: { x: '2', y: 'hello world', z: '✓' },
      multiValueQueryStringParameters: { x: ['1', '2'], y: ['hello world'], z: ['✓'] },
      pathParameters: { id: 'a b' },
      stageVariables: null,
      requestContext: {
        accountId: '000000000000', apiId: 'abc123', authorizer: null, domainName: 'abc123.execute-api.localhost', domainPrefix: 'abc123',
        extendedRequestId: 'req-1', httpMethod: 'POST',
        identity: {
          accessKey: null, accountId: null, caller: null, cognitoAuthenticationProvider: null, cognitoAuthenticationType: null,
          cognitoIdentityId: null, cognitoIdentityPoolId: null, principalOrgId: null, sourceIp: '127.0.0.1', user: null,
          userAgent: 'curl/8', userArn: null, clientCert: null,
        },
        path: '/prod/items/a b', protocol: 'HTTP/1.1', requestId: 'req-1', requestTime: '04/Mar/2026:19:15:17 +0000',
        requestTimeEpoch: T, resourceId: 'r1', resourcePath: '/items/{id}', stage: 'prod',
      },
      body: '{"k":1}',
      isBase64Encoded: false,
    });
  });
  test('absent maps are null, an empty body is null; binary media types give base64', () => {
    const bare = payloadV1(request({ headers: [], rawQueryString: '', body: Buffer.alloc(0) }), { ...ROUTE, pathParameters: {} });
    assert.equal(bare.headers, null);
    assert.equal(bare.multiValueHeaders, null);
    assert.equal(bare.queryStringParameters, null);
    assert.equal(bare.multiValueQueryStringParameters, null);
    assert.equal(bare.pathParameters, null);
    assert.equal(bare.body, null);
    assert.equal(bare.isBase64Encoded, false);
    const bin = payloadV1(request({ body: Buffer.from([0, 1, 2, 255]) }), { ...ROUTE, binaryBody: true });
    assert.equal(bin.body, 'AAEC/w==');
    assert.equal(bin.isBase64Encoded, true);
  });
  test('HTTP APIs add version 1.0 and use the route key', () => {
    const e = payloadV1(request(), { ...ROUTE, resource: 'POST /items/{id}', resourceId: undefined, stage: '$default' }, true);
    assert.equal(e.version, '1.0');
    assert.equal(e.resource, '/items/{id}');
    assert.equal((e.requestContext as any).path, '/items/a b');
  });
});

describe('payload format 2.0', () => {
  test('an HTTP API event, field by field', () => {
    const e = payloadV2(request({ headers: [...request().headers, ['Content-Type', 'application/json']] }), { ...ROUTE, stage: '$default', routeKey: 'POST /items/{id}' });
    assert.deepEqual(e, {
      version: '2.0',
      routeKey: 'POST /items/{id}',
      rawPath: '/items/a%20b',
      rawQueryString: 'x=1&x=2&y=hello+world&z=%E2%9C%93',
      cookies: ['a=1', 'b=2'],
      headers: { host: 'abc123.execute-api.localhost', 'user-agent': 'curl/8', 'x-multi': 'one,two', 'content-type': 'application/json' },
      queryStringParameters: { x: '1,2', y: 'hello world', z: '✓' },
      pathParameters: { id: 'a b' },
      requestContext: {
        accountId: '000000000000', apiId: 'abc123', domainName: 'abc123.execute-api.localhost', domainPrefix: 'abc123',
        http: { method: 'POST', path: '/items/a b', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'curl/8' },
        requestId: 'req-1', routeKey: 'POST /items/{id}', stage: '$default', time: '04/Mar/2026:19:15:17 +0000', timeEpoch: T,
      },
      body: '{"k":1}',
      isBase64Encoded: false,
    });
  });
  test('empty parts are left out; a body without a text type is base64; an authorizer is carried', () => {
    const e = payloadV2(request({ headers: [['Content-Type', 'application/octet-stream']], rawQueryString: '', body: Buffer.from([9, 8]) }),
      { ...ROUTE, pathParameters: {}, routeKey: '$default' }, { iam: { accessKey: 'AK' } });
    assert.equal('cookies' in e, false);
    assert.equal('queryStringParameters' in e, false);
    assert.equal('pathParameters' in e, false);
    assert.equal('stageVariables' in e, false);
    assert.equal(e.body, 'CQg=');
    assert.equal(e.isBase64Encoded, true);
    assert.deepEqual((e.requestContext as any).authorizer, { iam: { accessKey: 'AK' } });
    const empty = payloadV2(request({ body: Buffer.alloc(0) }), { ...ROUTE, routeKey: '$default' });
    assert.equal('body' in empty, false);
    assert.equal(empty.isBase64Encoded, false);
  });
});

const text = (b: Buffer) => b.toString('utf8');

describe('responses', () => {
  test('1.0: the full form, multi-value headers win, base64 bodies decoded, JSON content type by default', () => {
    const r = responseV1(JSON.stringify({
      statusCode: 201, headers: { 'X-A': 'a', 'x-b': 'single' }, multiValueHeaders: { 'X-B': ['b1', 'b2'] }, body: 'aGk=', isBase64Encoded: true,
    }));
    assert.equal(r.status, 201);
    assert.deepEqual(r.headers, [['X-A', 'a'], ['X-B', 'b1'], ['X-B', 'b2'], ['Content-Type', 'application/json']]);
    assert.equal(text(r.body), 'hi');
    assert.equal(text(responseV1('{"statusCode":204}').body), '');
  });
  test('1.0: anything else is malformed', () => {
    for (const bad of ['"hi"', '{}', '{"statusCode":200,"body":{"a":1}}', '{"statusCode":200,"extra":1}', '{"statusCode":99}', 'not json', 'null',
      '{"statusCode":200,"headers":[]}', '{"statusCode":200,"multiValueHeaders":{"a":"b"}}', '{"statusCode":200,"isBase64Encoded":"yes"}']) {
      assert.throws(() => responseV1(bad), MalformedProxyResponse, bad);
    }
  });
  test('2.0: inferred answers for values without statusCode', () => {
    const obj = responseV2('{"hello":"world"}');
    assert.equal(obj.status, 200);
    assert.deepEqual(obj.headers, [['Content-Type', 'application/json']]);
    assert.equal(text(obj.body), '{"hello":"world"}');
    assert.equal(text(responseV2('"Hello"').body), 'Hello');
    assert.equal(text(responseV2('[1,2]').body), '[1,2]');
    assert.equal(text(responseV2('42').body), '42');
  });
  test('2.0: the full form with cookies as Set-Cookie', () => {
    const r = responseV2(JSON.stringify({ statusCode: 302, headers: { Location: '/x', 'content-type': 'text/plain' }, cookies: ['a=1', 'b=2; Path=/'], body: 'moved' }));
    assert.equal(r.status, 302);
    assert.deepEqual(r.headers, [['Location', '/x'], ['content-type', 'text/plain'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2; Path=/']]);
    assert.equal(text(r.body), 'moved');
    assert.throws(() => responseV2('{"statusCode":"abc"}'), MalformedProxyResponse);
    assert.throws(() => responseV2('{"statusCode":200,"cookies":"a=1"}'), MalformedProxyResponse);
  });
});

// The Runtime API endpoint (src/lambda/runtime-api/http-connection.ts is a hand-written HTTP/1.1 server) as real,
// different clients see it: a Node.js function whose handler talks to its own environment's Runtime API
// (AWS_LAMBDA_RUNTIME_API) while its invocation is in flight, with curl, python3 (urllib, http.client) and raw
// sockets, and reports what it saw (runtime-api.md §1-4, docs/runtime-api.md).
//
// When a client posts the invocation's own result, the caller gets that body and the handler's own return is
// refused; the handler then logs what its client saw ("PROBE {...}"), which shows up in the log tail of the next
// invocation, together with the runtime's note that its own POST was refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { startServer } from '../helpers/server.js';
import { deploy, invokeJson, type Invoked } from '../helpers/functions.js';

const MAX_RESPONSE = 6 * 1024 * 1024 + 100;

/** A JSON text of exactly `size` bytes (the same function is in the handler). */
function padded(tag: string, size: number): string {
  return JSON.stringify({ tag, pad: 'x'.repeat(size - 19 - tag.length) });
}

const PROBE_JS = String.raw`'use strict';
const { spawnSync } = require('node:child_process');
const net = require('node:net');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const API = process.env.AWS_LAMBDA_RUNTIME_API;
const HOST = API.slice(0, API.lastIndexOf(':'));
const PORT = Number(API.slice(API.lastIndexOf(':') + 1));
const BASE = 'http://' + API + '/2018-06-01';
const INV = '/2018-06-01/runtime/invocation/';

function padded(tag, size) {
  return JSON.stringify({ tag, pad: 'x'.repeat(size - 19 - tag.length) });
}

function curl(args) {
  const r = spawnSync('curl', ['-sS', '-v', '--noproxy', '*', '--max-time', '5', '-o', '-', '-w', '\n@@%{http_code} %{time_total} %{content_type}', ...args],
    { encoding: 'latin1', timeout: 8000, maxBuffer: 64 << 20 });
  const out = r.stdout || '';
  const at = out.lastIndexOf('\n@@');
  const [status, seconds, contentType] = out.slice(at + 3).split(' ');
  const err = r.stderr || '';
  return {
    status: Number(status), body: out.slice(0, at).slice(0, 400), seconds: Number(seconds), contentType,
    sentExpect: /^> Expect: 100-continue/im.test(err), got100: /^< HTTP\/1\.1 100 Continue/im.test(err),
    sentChunked: /^> Transfer-Encoding: chunked/im.test(err), exit: r.status, ...(r.status === 0 ? {} : { stderr: err.slice(-600) }),
  };
}

function python(...args) {
  const r = spawnSync('python3', [path.join(__dirname, 'probe.py'), ...args], { encoding: 'utf8', timeout: 8000 });
  if (r.status !== 0) return { error: String(r.stderr || r.error) };
  return JSON.parse(r.stdout);
}

/** Complete HTTP responses at the start of text (a 1xx has no body). */
function parseResponses(text) {
  const out = [];
  let i = 0;
  for (;;) {
    const end = text.indexOf('\r\n\r\n', i);
    if (end < 0) return out;
    const lines = text.slice(i, end).split('\r\n');
    const status = Number(lines[0].split(' ')[1]);
    const headers = {};
    for (const line of lines.slice(1)) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
    const length = status < 200 ? 0 : Number(headers['content-length'] || 0);
    if (text.length < end + 4 + length) return out;
    out.push({ status, statusLine: lines[0], headers, body: text.slice(end + 4, end + 4 + length) });
    i = end + 4 + length;
  }
}

/**
 * One raw TCP connection. Each step's data is written once 'after' responses have arrived (and 'delay' ms
 * passed); it finishes when 'expect' responses are in, the server closes, or waitMs passes.
 */
function raw(steps, { waitMs = 1500, expect = Infinity } = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const sock = net.connect(PORT, HOST);
    sock.setNoDelay(true);
    let text = '', responses = [], closedByServer = false, done = false, next = 0, pumping = false;
    const times = [];
    const finish = (why) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ responses, times, closedByServer, why, extra: text.length > 0 && responses.length === 0 ? text.slice(0, 300) : undefined });
    };
    const timer = setTimeout(() => finish('timeout'), waitMs);
    const pump = async () => {
      if (pumping) return;
      pumping = true;
      while (!done && next < steps.length && (steps[next].after || 0) <= responses.length) {
        const step = steps[next++];
        if (step.delay) await new Promise((r) => setTimeout(r, step.delay));
        if (!done) sock.write(typeof step.data === 'function' ? step.data(responses, times) : step.data);
      }
      pumping = false;
    };
    sock.on('connect', pump);
    sock.on('data', (d) => {
      text += d.toString('latin1');
      responses = parseResponses(text);
      while (times.length < responses.length) times.push(Date.now() - t0);
      if (responses.length >= expect) return finish('expected');
      void pump();
    });
    sock.on('end', () => {
      closedByServer = true;
      finish('end');
    });
    sock.on('error', (e) => finish('error ' + e.code));
  });
}

const get = (p, extra = '') => 'GET ' + p + ' HTTP/1.1\r\nHost: rapi\r\n' + extra + '\r\n';
const post = (p, body, extra = '') =>
  'POST ' + p + ' HTTP/1.1\r\nHost: rapi\r\nContent-Type: application/json\r\nContent-Length: ' + Buffer.byteLength(body) + '\r\n' + extra + '\r\n' + body;
const pieces = (text, n) => Array.from({ length: Math.ceil(text.length / n) }, (_, i) => ({ data: text.slice(i * n, i * n + n), delay: 1 }));
const brief = (r) => ({ ...r, responses: r.responses.map((x) => ({ status: x.status, body: x.body.slice(0, 300), connection: x.headers.connection })) });

exports.handler = async (event, context) => {
  const id = context.awsRequestId;
  switch (event.action) {
    case 'echo':
      return { echo: event.v === undefined ? null : event.v, id };

    case 'forbidden-next':
      return {
        curl11: curl([BASE + '/runtime/invocation/next']),
        curl10: curl(['--http1.0', BASE + '/runtime/invocation/next']),
        urllib: python('urllib', 'GET', INV + 'next'),
      };

    case 'wrong-id': {
      const other = '9f0c1d8e-1111-4222-8333-444455556666';
      const json = ['-H', 'Content-Type: application/json', '--data-binary'];
      return {
        response: curl([...json, '{"x":1}', BASE + '/runtime/invocation/' + other + '/response']),
        error: curl([...json, '{"errorMessage":"x"}', BASE + '/runtime/invocation/' + other + '/error']),
        prefix: curl([...json, '{"x":1}', BASE + '/runtime/invocation/' + id.slice(0, 8) + '/response']),
        urllib: python('urllib', 'POST', INV + 'not-the-id/response', '{"x":1}'),
        getOnResponse: curl([BASE + '/runtime/invocation/' + id + '/response']),
        initError: curl([...json, '{"errorMessage":"late"}', BASE + '/runtime/init/error']),
      };
    }

    case 'keepalive':
      return python('keepalive');

    case 'respond': {
      const body = padded(event.tag, event.size);
      const file = path.join(os.tmpdir(), 'rapi-probe-' + id + '.json');
      fs.writeFileSync(file, body);
      const url = BASE + '/runtime/invocation/' + id + '/response';
      const seen = event.client === 'curl'
        ? curl(['-H', 'Content-Type: application/json', ...(event.extra || []), '--data-binary', '@' + file, url])
        : python(event.client, id, file);
      fs.rmSync(file, { force: true });
      console.log('PROBE ' + JSON.stringify(seen));
      return { handler: 'returned' };
    }

    case 'pipelined': {
      const splitThree = post(INV + 'bad-1/response', '{"split":true}') +
        'POST ' + INV + 'bad-2/error HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n2;ext=1\r\nef\r\n0\r\nX-Trailer: t\r\n\r\n' + get('/nope-split');
      return {
        twoGets: brief(await raw([{ data: get('/nope-1') + get('/nope-2') }], { expect: 2 })),
        badIdThenNext: brief(await raw([{ data: post(INV + 'bad-id/response', '{"a":1}') + get(INV + 'next') }], { expect: 2 })),
        splitWrites: brief(await raw(pieces(splitThree, 7), { expect: 3 })),
        thenGarbage: brief(await raw([{ data: get('/nope-3') + 'GARBAGE\r\n\r\n' }])),
        closeThenMore: brief(await raw([{ data: get('/nope-4', 'Connection: close\r\n') + post(INV + id + '/response', '"smuggled"') }])),
        continueInOrder: brief(await raw([
          { data: get('/nope-5') + 'POST ' + INV + 'bad-id/response HTTP/1.1\r\nHost: rapi\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n' },
          { after: 2, data: 'hello' },
        ], { expect: 3 })),
      };
    }

    case 'http10':
      return {
        keepAlive: brief(await raw([
          { data: 'GET /nope-a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n' },
          { after: 1, data: 'GET /nope-b HTTP/1.0\r\n\r\n' },
        ])),
        expectIgnored: brief(await raw([{ data: 'POST ' + INV + 'bad-id/response HTTP/1.0\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello' }])),
      };

    case 'malformed': {
      const big = 'X-Big: ' + 'a'.repeat(70 * 1024);
      const postHead = (header) => 'POST ' + INV + 'bad-id/response HTTP/1.1\r\nHost: rapi\r\n' + header + '\r\n\r\n';
      const chunked = postHead('Transfer-Encoding: chunked');
      const cases = {
        garbage: 'HELLO\r\n\r\n',
        http2Preface: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
        http2Version: 'GET /nope HTTP/2.0\r\n\r\n',
        headerWithoutColon: 'GET /nope HTTP/1.1\r\nNoColonHere\r\n\r\n',
        contentLengthWord: postHead('Content-Length: abc') + 'abc',
        contentLengthNegative: postHead('Content-Length: -1'),
        contentLengthHex: postHead('Content-Length: 0x10') + '{"sixteen":"16"}',
        contentLengthTwice: postHead('Content-Length: 5\r\nContent-Length: 6') + 'hello!',
        transferEncodingGzip: postHead('Transfer-Encoding: gzip') + 'abc',
        chunkSizeNotHex: chunked + 'zz\r\nhello\r\n0\r\n\r\n',
        chunkSizeHexPrefix: chunked + '0x5\r\nhello\r\n0\r\n\r\n',
        chunkNotTerminated: chunked + '5\r\nhelloXX\r\n0\r\n\r\n',
        chunkLineEndless: chunked + 'a'.repeat(70 * 1024),
        headOver64KbUnfinished: 'GET /nope HTTP/1.1\r\n' + big,
        headOver64KbComplete: 'GET /nope HTTP/1.1\r\n' + big + '\r\n\r\n',
      };
      const out = {};
      for (const [label, data] of Object.entries(cases)) out[label] = brief(await raw([{ data }], { waitMs: 1000 }));
      return out;
    }

    case 'unknown-paths': {
      const root = 'http://' + API;
      return {
        extensionRegister: curl(['-H', 'Lambda-Extension-Name: probe-ext', '--data-binary', '{"events":["INVOKE","SHUTDOWN"]}', root + '/2020-01-01/extension/register']),
        extensionNext: curl(['-H', 'Lambda-Extension-Identifier: x', root + '/2020-01-01/extension/event/next']),
        logsApi: curl(['-X', 'PUT', '--data-binary', '{}', root + '/2020-08-15/logs']),
        telemetryApi: curl(['-X', 'PUT', '--data-binary', '{}', root + '/2022-07-01/telemetry']),
        otherVersion: curl([root + '/2099-01-01/runtime/invocation/next']),
        queryOnNext: curl([root + '/2018-06-01/runtime/invocation/nextx']),
        deleteNext: curl(['-X', 'DELETE', BASE + '/runtime/invocation/next']),
      };
    }

    case 'raw-runtime': {
      // Acts as a runtime on its own connection: POST this invocation's result with GET next pipelined behind it
      // (as lambkin's Node runtime does), then serve the next invocation that the parked GET receives.
      const result = padded('raw-runtime', 3000);
      const conv = await raw([
        { data: post(INV + id + '/response', result) + get(INV + 'next') },
        {
          after: 2,
          data: (rs, times) => {
            const ev = rs[1];
            const report = JSON.stringify({
              accepted: { status: rs[0].status, body: rs[0].body, ms: times[0] },
              event: { status: ev.status, headers: ev.headers, body: ev.body },
            });
            return post(INV + ev.headers['lambda-runtime-aws-request-id'] + '/response', report);
          },
        },
      ], { expect: 3, waitMs: 4000 });
      console.log('PROBE ' + JSON.stringify(brief(conv)));
      return { handler: 'returned' };
    }
  }
  throw new Error('unknown action ' + event.action);
};
`;

const PROBE_PY = String.raw`import http.client, json, os, sys, time, urllib.error, urllib.request

api = os.environ['AWS_LAMBDA_RUNTIME_API']
host, port = api.rsplit(':', 1)
port = int(port)
INV = '/2018-06-01/runtime/invocation/'
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def answer(status, body, content_type, started, **more):
    return dict(status=status, body=body.decode('latin1')[:400], contentType=content_type,
                ms=round((time.monotonic() - started) * 1000, 1), **more)


def via_urllib(method, path, data=None):
    started = time.monotonic()
    req = urllib.request.Request('http://' + api + path, data=data, method=method, headers={'Content-Type': 'application/json'})
    try:
        with opener.open(req, timeout=5) as r:
            return answer(r.status, r.read(), r.headers.get('Content-Type'), started)
    except urllib.error.HTTPError as e:
        return answer(e.code, e.read(), e.headers.get('Content-Type'), started)


def main(mode, *args):
    if mode == 'urllib':
        return via_urllib(args[0], args[1], args[2].encode() if len(args) > 2 else None)
    if mode == 'urllib-respond':
        request_id, file = args
        with open(file, 'rb') as f:
            return via_urllib('POST', INV + request_id + '/response', f.read())
    if mode == 'chunked-respond':
        request_id, file = args
        with open(file, 'rb') as f:
            data = f.read()
        sizes = [1, 100, 4096, 7, 65536, 3]

        def chunks():
            i = k = 0
            while i < len(data):
                n = sizes[k % len(sizes)]
                k += 1
                yield data[i:i + n]
                i += n
        c = http.client.HTTPConnection(host, port, timeout=5)
        started = time.monotonic()
        c.request('POST', INV + request_id + '/response', body=chunks(),
                  headers={'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked'}, encode_chunked=True)
        r = c.getresponse()
        return answer(r.status, r.read(), r.getheader('Content-Type'), started)
    if mode == 'keepalive':
        c = http.client.HTTPConnection(host, port, timeout=5)
        out = []
        for method, path, body in [('GET', '/nope-1', None), ('POST', INV + 'not-the-id/error', b'{"errorMessage":"x"}'),
                                   ('GET', INV + 'next', None), ('GET', '/nope-2', None)]:
            started = time.monotonic()
            c.request(method, path, body=body)
            r = c.getresponse()
            data = r.read()
            out.append(answer(r.status, data, r.getheader('Content-Type'), started,
                              localPort=c.sock.getsockname()[1] if c.sock else None))
        return out
    raise SystemExit('unknown mode ' + mode)


print(json.dumps(main(*sys.argv[1:])))
`;

let srv: Awaited<ReturnType<typeof startServer>>;
let lambda: LambdaClient;
before(async () => {
  srv = await startServer();
  lambda = srv.lambda;
});
after(() => srv?.close());

/** A fresh function with the probe handler (each test its own, so one test's leftovers cannot disturb another). */
function probe(): Promise<string> {
  return deploy(lambda, { 'index.js': PROBE_JS, 'probe.py': PROBE_PY }, { timeout: 8 });
}

/** Invoke, keeping the payload as text (it may be large, and is compared byte for byte). */
async function invokeText(name: string, event: unknown): Promise<{ status?: number; functionError?: string; text: string }> {
  const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)) }));
  return { status: out.StatusCode, functionError: out.FunctionError, text: out.Payload ? Buffer.from(out.Payload).toString() : '' };
}

function assertOk(r: Invoked, what: string): void {
  assert.equal(r.out.StatusCode, 200, what);
  assert.equal(r.out.FunctionError, undefined, `${what}: ${r.text.slice(0, 1500)}`);
}

/** A Runtime API error answer: status, JSON body with errorType. */
function assertApiError(seen: any, status: number, errorType: string, what: string): void {
  assert.equal(seen.status, status, `${what}: ${JSON.stringify(seen)}`);
  assert.match(seen.contentType ?? 'application/json', /^application\/json/, `${what}: content type`);
  const body = JSON.parse(seen.body);
  assert.equal(body.errorType, errorType, `${what}: ${seen.body}`);
  assert.equal(typeof body.errorMessage, 'string', what);
}

/**
 * The invocation after one whose result a client posted: it must work (echo), and its log tail holds the handler's
 * PROBE line (what the client saw) and the runtime's note that its own POST of the handler's return was refused.
 */
async function nextInvokeAndProbe(name: string): Promise<{ probe: any; log: string }> {
  const next = await invokeJson(lambda, name, { action: 'echo', v: 'after' }, { tail: true });
  assertOk(next, 'the next invocation');
  assert.equal(next.body.echo, 'after');
  const m = /PROBE (\{.*\})/.exec(next.log);
  assert.ok(m, `the handler's PROBE line is in the next invocation's log tail:\n${next.log}`);
  assert.match(next.log, /answered HTTP 400: .*InvalidRequestID/, `the handler's own return was refused:\n${next.log}`);
  return { probe: JSON.parse(m[1]!), log: next.log };
}

describe('Runtime API from inside an invocation: state and request ids', () => {
  test('GET next while the invocation has no result: 403 InvalidStateTransition (curl HTTP/1.1 and 1.0, urllib)', async () => {
    const name = await probe();
    const r = await invokeJson(lambda, name, { action: 'forbidden-next' });
    assertOk(r, 'forbidden-next');
    for (const client of ['curl11', 'curl10', 'urllib']) assertApiError(r.body[client], 403, 'InvalidStateTransition', client);
    assert.ok(r.body.curl11.seconds < 0.5 && r.body.curl10.seconds < 0.5, JSON.stringify(r.body));
  });

  test('results for ids that are not the current invocation: 400 InvalidRequestID, and the invocation is unaffected', async () => {
    const name = await probe();
    const r = await invokeJson(lambda, name, { action: 'wrong-id' });
    assertOk(r, 'wrong-id');
    for (const what of ['response', 'error', 'prefix', 'urllib']) assertApiError(r.body[what], 400, 'InvalidRequestID', what);
    assertApiError(r.body.getOnResponse, 404, 'NotFound', 'GET on /response');
    assertApiError(r.body.initError, 403, 'InvalidStateTransition', '/init/error after init');
    const again = await invokeJson(lambda, name, { action: 'echo', v: 2 });
    assertOk(again, 'next invoke');
    assert.equal(again.body.echo, 2);
  });

  test('keep-alive: python http.client sends four requests on one connection', async () => {
    const name = await probe();
    const r = await invokeJson(lambda, name, { action: 'keepalive' });
    assertOk(r, 'keepalive');
    const [a, b, c, d] = r.body;
    assertApiError(a, 404, 'NotFound', 'GET /nope-1');
    assertApiError(b, 400, 'InvalidRequestID', 'POST bad id /error');
    assertApiError(c, 403, 'InvalidStateTransition', 'GET next');
    assertApiError(d, 404, 'NotFound', 'GET /nope-2');
    assert.ok(a.localPort, 'connection kept open');
    assert.deepEqual(r.body.map((x: any) => x.localPort), [a.localPort, a.localPort, a.localPort, a.localPort], 'one connection');
  });
});

describe('a client posts the invocation\'s own result', () => {
  const cases: [string, Record<string, unknown>, (seen: any) => void][] = [
    ['curl, 5 KB with Expect: 100-continue', { client: 'curl', extra: ['-H', 'Expect: 100-continue'], size: 5000 }, (seen) => {
      assert.ok(seen.sentExpect && seen.got100, `curl sent Expect and got 100 Continue: ${JSON.stringify(seen)}`);
    }],
    ['curl, chunked body', { client: 'curl', extra: ['-H', 'Transfer-Encoding: chunked'], size: 200_000 }, (seen) => {
      assert.ok(seen.sentChunked, `curl sent a chunked body: ${JSON.stringify(seen)}`);
    }],
    ['curl --http1.0', { client: 'curl', extra: ['--http1.0'], size: 3000 }, () => undefined],
    ['python http.client, chunked (uneven chunks)', { client: 'chunked-respond', size: 150_000 }, () => undefined],
    ['python urllib (Connection: close)', { client: 'urllib-respond', size: 70_000 }, () => undefined],
  ];
  for (const [label, spec, extraChecks] of cases) {
    test(label, async () => {
      const name = await probe();
      const tag = label.replace(/[^a-z0-9]+/gi, '-');
      const r = await invokeText(name, { action: 'respond', tag, ...spec });
      assert.equal(r.status, 200, label);
      assert.equal(r.functionError, undefined, `${label}: ${r.text.slice(0, 500)}`);
      assert.equal(r.text.length, spec.size, `${label}: the caller gets the posted body, byte for byte`);
      assert.equal(r.text, padded(tag, spec.size as number), label);
      const { probe: seen } = await nextInvokeAndProbe(name);
      assert.equal(seen.status, 202, `${label}: ${JSON.stringify(seen)}`);
      assert.deepEqual(JSON.parse(seen.body), { status: 'OK' }, label);
      // curl waits up to 1 s for a 100 Continue it asked for; python reports ms.
      const seconds = seen.seconds ?? seen.ms / 1000;
      assert.ok(seconds < 0.5, `${label}: answered at once, took ${seconds} s`);
      extraChecks(seen);
    });
  }
});

describe('raw sockets', () => {
  const statuses = (r: any) => r.responses.map((x: any) => x.status);
  const errorTypes = (r: any) => r.responses.map((x: any) => JSON.parse(x.body).errorType);

  test('pipelined requests are answered in order on the same connection', async () => {
    const name = await probe();
    const r = await invokeJson(lambda, name, { action: 'pipelined' });
    assertOk(r, 'pipelined');
    assert.equal(typeof r.body, 'object', `the handler's return reached the caller, not a POST pipelined after Connection: close: ${r.text.slice(0, 300)}`);
    const b = r.body;
    assert.deepEqual(statuses(b.twoGets), [404, 404], JSON.stringify(b.twoGets));
    assert.match(b.twoGets.responses[0].body, /nope-1/);
    assert.match(b.twoGets.responses[1].body, /nope-2/);
    assert.equal(b.twoGets.closedByServer, false);

    assert.deepEqual(statuses(b.badIdThenNext), [400, 403], JSON.stringify(b.badIdThenNext));
    assert.deepEqual(errorTypes(b.badIdThenNext), ['InvalidRequestID', 'InvalidStateTransition']);

    // A Content-Length POST, a chunked POST (chunk extension, trailer) and a GET, written 7 bytes at a time.
    assert.deepEqual(statuses(b.splitWrites), [400, 400, 404], JSON.stringify(b.splitWrites));
    assert.match(b.splitWrites.responses[2].body, /nope-split/);

    // A good request, then garbage in the same write: the good one is still answered first, then 400 and close.
    assert.deepEqual(statuses(b.thenGarbage), [404, 400], JSON.stringify(b.thenGarbage));
    assert.equal(b.thenGarbage.closedByServer, true);

    // Nothing after a `Connection: close` request is processed (RFC 9112 §9.6): the pipelined POST of this
    // invocation's result must not answer it.
    assert.deepEqual(statuses(b.closeThenMore), [404], JSON.stringify(b.closeThenMore));
    assert.equal(b.closeThenMore.responses[0].connection, 'close');
    assert.equal(b.closeThenMore.closedByServer, true);

    // `100 Continue` for a pipelined POST comes after the earlier request's answer, not before it.
    assert.deepEqual(statuses(b.continueInOrder), [404, 100, 400], JSON.stringify(b.continueInOrder));
  });

  test('HTTP/1.0: keep-alive when asked for (and said so), close otherwise; no 100 Continue', async () => {
    const name = await probe();
    const r = await invokeJson(lambda, name, { action: 'http10' });
    assertOk(r, 'http10');
    const { keepAlive, expectIgnored } = r.body;
    assert.deepEqual(statuses(keepAlive), [404, 404], JSON.stringify(keepAlive));
    assert.equal(keepAlive.responses[0].connection?.toLowerCase(), 'keep-alive', 'a 1.0 keep-alive client needs the header');
    assert.equal(keepAlive.responses[1].connection, 'close');
    assert.equal(keepAlive.closedByServer, true);
    assert.deepEqual(statuses(expectIgnored), [400], `an HTTP/1.0 client gets no 1xx: ${JSON.stringify(expectIgnored)}`);
    assert.deepEqual(errorTypes(expectIgnored), ['InvalidRequestID']);
    assert.equal(expectIgnored.closedByServer, true);
  });

  test('malformed requests: 4xx and the connection closed; lambkin keeps working', async () => {
    const name = await probe();
    const r = await invokeJson(lambda, name, { action: 'malformed' });
    assertOk(r, 'malformed');
    const wrong: string[] = [];
    for (const [label, seen] of Object.entries<any>(r.body)) {
      const expected = label.startsWith('headOver64Kb') ? 431 : 400;
      const first = seen.responses[0];
      const ok = seen.responses.length === 1 && first.status === expected && JSON.parse(first.body).errorType === 'BadRequest'
        && first.connection === 'close' && seen.closedByServer;
      if (!ok) wrong.push(`${label} (expected ${expected} BadRequest and close): ${JSON.stringify(seen)}`);
    }
    assert.deepEqual(wrong, []);
    const again = await invokeJson(lambda, name, { action: 'echo', v: 'still fine' });
    assertOk(again, 'after malformed');
    assert.equal(again.body.echo, 'still fine');
  });

  test('a raw runtime: result + pipelined GET next; the 202 is not held back by the parked next, which gets the next event', async () => {
    const name = await probe();
    const a = await invokeText(name, { action: 'raw-runtime' });
    assert.equal(a.functionError, undefined, a.text.slice(0, 500));
    assert.equal(a.text, padded('raw-runtime', 3000));
    // Served by the handler of the previous invocation, over its raw connection.
    const b = await invokeJson(lambda, name, { action: 'echo', v: 'to the raw runtime' });
    assertOk(b, 'served by the raw runtime');
    assert.equal(b.body.accepted.status, 202);
    assert.deepEqual(JSON.parse(b.body.accepted.body), { status: 'OK' });
    assert.ok(b.body.accepted.ms < 200, `202 after ${b.body.accepted.ms} ms`);
    assert.equal(b.body.event.status, 200);
    assert.equal(b.body.event.headers['lambda-runtime-aws-request-id'], b.out.$metadata.requestId);
    assert.ok(Number(b.body.event.headers['lambda-runtime-deadline-ms']) > Date.now());
    assert.deepEqual(JSON.parse(b.body.event.body), { action: 'echo', v: 'to the raw runtime' });
    // The runtime's own loop carries on.
    const { probe: conv } = await nextInvokeAndProbe(name);
    assert.deepEqual(conv.responses.map((x: any) => x.status), [202, 200, 202], JSON.stringify(conv));
  });
});

describe('other paths and sizes', () => {
  test('Extensions, Logs and Telemetry API paths: 404 JSON; the invocation is unaffected', async () => {
    const name = await probe();
    const r = await invokeJson(lambda, name, { action: 'unknown-paths' });
    assertOk(r, 'unknown-paths');
    for (const [what, seen] of Object.entries<any>(r.body)) assertApiError(seen, 404, 'NotFound', what);
  });

  test('a result of exactly 6 MB + 100 bytes (curl) is accepted and delivered whole', async () => {
    const name = await probe();
    const r = await invokeText(name, { action: 'respond', client: 'curl', tag: 'at-limit', size: MAX_RESPONSE });
    assert.equal(r.functionError, undefined, r.text.slice(0, 500));
    assert.equal(r.text.length, MAX_RESPONSE);
    assert.equal(r.text, padded('at-limit', MAX_RESPONSE));
    const { probe: seen } = await nextInvokeAndProbe(name);
    assert.equal(seen.status, 202, JSON.stringify(seen));
    assert.ok(seen.seconds < 2, `took ${seen.seconds} s`);
  });

  test('a result over 6 MB + 100 bytes (curl): 413 to the poster, Function.ResponseSizeTooLarge to the caller', async () => {
    const name = await probe();
    const r = await invokeJson(lambda, name, { action: 'respond', client: 'curl', tag: 'over-limit', size: MAX_RESPONSE + 1 });
    assert.equal(r.out.StatusCode, 200);
    assert.equal(r.out.FunctionError, 'Unhandled', r.text.slice(0, 500));
    assert.equal(r.body.errorType, 'Function.ResponseSizeTooLarge');
    assert.match(r.body.errorMessage, new RegExp(`\\(${MAX_RESPONSE + 1} bytes\\).*\\(${MAX_RESPONSE} bytes\\)`));
    const { probe: seen } = await nextInvokeAndProbe(name);
    assertApiError(seen, 413, 'RequestEntityTooLarge', 'oversized POST');
    assert.match(JSON.parse(seen.body).errorMessage, /Exceeded maximum allowed payload size \(6291556 bytes\)\./);
    assert.ok(seen.sentExpect && seen.got100, `curl sends Expect for a body this size: ${JSON.stringify(seen)}`);
    assert.ok(seen.seconds < 2, `took ${seen.seconds} s`);
  });
});

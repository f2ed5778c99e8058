// The SQS API through the query protocol (event-sources.md §5.1, §5.3–5.7), as older SDKs (botocore < 1.34.90,
// JS SDK v2, AWS CLI v1) speak it: form POSTs to `/` and to a queue's own path, GETs with the parameters in the URL,
// signed and unsigned; flattened parameters (`Attribute.N.*`, `Tag.N.*`, `MessageAttribute.N.Value.*`, batch
// entries) and flattened XML answers; MD5s recomputed here; `<ErrorResponse>` codes and statuses; and messages
// crossing between the query protocol and the JSON protocol (SDK v3) unchanged in both directions.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand,
  SendMessageCommand, type SQSClient,
} from '@aws-sdk/client-sqs';
import { startServer, uniqueName } from '../helpers/server.js';
import {
  ACCOUNT, entriesOf, expectQueryError, resultOf, sqsClient, sqsQuery, type QueryOptions, type QueryResponse,
} from '../helpers/sqs.js';

let srv: Awaited<ReturnType<typeof startServer>>;
let sqs: SQSClient;

before(async () => {
  srv = await startServer({ spareRuntimes: 0 });
  sqs = sqsClient(srv.url);
});
after(async () => {
  sqs?.destroy();
  await srv?.close();
});

// ---------------------------------------------------------------------------------------------------------------
// helpers

type Params = Record<string, string | number>;

const q = (action: string, params: Params = {}, opts: QueryOptions = {}): Promise<QueryResponse> => sqsQuery(srv.url, action, params, opts);

/** `<{action}Result>` of a query call (asserts 200 and the envelope). */
async function call(action: string, params: Params = {}, opts: QueryOptions = {}): Promise<any> {
  return resultOf(await q(action, params, opts), action);
}

const md5 = (text: string | Buffer) => createHash('md5').update(text).digest('hex');

interface Attr { DataType: string; StringValue?: string; BinaryValue?: Buffer }

/** MD5OfMessageAttributes computed independently (SQS Dev Guide "Message metadata"; event-sources.md §5.6). */
function md5OfAttributes(attrs: Record<string, Attr>): string {
  const parts: Buffer[] = [];
  const prefixed = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    parts.push(len, b);
  };
  const names = Object.keys(attrs).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const name of names) {
    const a = attrs[name]!;
    prefixed(Buffer.from(name, 'utf8'));
    prefixed(Buffer.from(a.DataType, 'utf8'));
    if (a.BinaryValue !== undefined) {
      parts.push(Buffer.from([2]));
      prefixed(a.BinaryValue);
    } else {
      parts.push(Buffer.from([1]));
      prefixed(Buffer.from(a.StringValue!, 'utf8'));
    }
  }
  return md5(Buffer.concat(parts));
}

/** Message attributes flattened as the query protocol sends them: `<prefix><base>.N.Name`, `.Value.DataType`, ... */
function attributeParams(attrs: Record<string, Attr>, prefix = '', base = 'MessageAttribute'): Record<string, string> {
  const out: Record<string, string> = {};
  Object.entries(attrs).forEach(([name, a], i) => {
    const p = `${prefix}${base}.${i + 1}`;
    out[`${p}.Name`] = name;
    if (a.StringValue !== undefined) out[`${p}.Value.StringValue`] = a.StringValue;
    if (a.BinaryValue !== undefined) out[`${p}.Value.BinaryValue`] = a.BinaryValue.toString('base64');
    out[`${p}.Value.DataType`] = a.DataType;
  });
  return out;
}

/** `Attribute.N.Name/Value` (or another map base) from a plain map. */
function mapParams(map: Record<string, string>, base = 'Attribute', key = 'Name'): Record<string, string> {
  const out: Record<string, string> = {};
  Object.entries(map).forEach(([k, v], i) => {
    out[`${base}.${i + 1}.${key}`] = k;
    out[`${base}.${i + 1}.Value`] = v;
  });
  return out;
}

/** `<base>.N` from a list. */
function listParams(list: string[], base: string): Record<string, string> {
  return Object.fromEntries(list.map((v, i) => [`${base}.${i + 1}`, v]));
}

/** A new queue made through the query protocol; answers its URL. */
async function newQueue(prefix: string, attributes: Record<string, string> = {}): Promise<string> {
  const name = uniqueName(`sqsq-${prefix}`);
  const result = await call('CreateQueue', { QueueName: attributes.FifoQueue ? `${name}.fifo` : name, ...mapParams(attributes) });
  return result.QueueUrl;
}

const pathOf = (url: string) => new URL(url).pathname;
const nameOf = (url: string) => url.split('/').pop()!;

/** The `<Message>` elements of a ReceiveMessage answer (none when the result is empty). */
async function receive(url: string, params: Params = {}, opts: QueryOptions = {}): Promise<any[]> {
  const result = await call('ReceiveMessage', { QueueUrl: url, ...params }, opts);
  return result?.Message ?? [];
}

async function approximate(url: string, name: string): Promise<string> {
  const result = await call('GetQueueAttributes', { QueueUrl: url, 'AttributeName.1': name });
  return entriesOf(result.Attribute)[name];
}

/** A form POST exactly as written (content type and body), unsigned, the way curl -d sends one. */
async function rawForm(path: string, body: string, contentType: string): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(`${srv.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const nonExistent = { code: 'AWS.SimpleQueueService.NonExistentQueue', status: 400, message: /specified queue does not exist/ };

// ---------------------------------------------------------------------------------------------------------------

describe('envelope and routing', () => {
  test('answers text/xml <{Op}Response xmlns> with <{Op}Result> and ResponseMetadata/RequestId = x-amzn-RequestId', async () => {
    const name = uniqueName('sqsq-env');
    const res = await q('CreateQueue', { QueueName: name });
    const result = resultOf(res, 'CreateQueue');
    assert.equal(result.QueueUrl, `${srv.url}/${ACCOUNT}/${name}`);
    assert.match(res.text, /^<\?xml version="1\.0"\?>\s*<CreateQueueResponse xmlns="http:\/\/queue\.amazonaws\.com\/doc\/2012-11-05\/">/);
    assert.deepEqual(Object.keys(res.xml.CreateQueueResponse).filter((k) => !k.startsWith('@_')), ['CreateQueueResult', 'ResponseMetadata']);
    assert.equal(res.xml.CreateQueueResponse.ResponseMetadata.RequestId, res.headers['x-amzn-requestid']);
    assert.match(res.headers['x-amzn-requestid'] as string, UUID);

    // Operations without output answer the envelope with no Result element.
    const tagged = await q('TagQueue', { QueueUrl: result.QueueUrl, ...mapParams({ a: 'b' }, 'Tag', 'Key') });
    assert.equal(resultOf(tagged, 'TagQueue'), undefined);
    assert.deepEqual(Object.keys(tagged.xml.TagQueueResponse).filter((k) => !k.startsWith('@_')), ['ResponseMetadata']);
  });

  test('every way in: POST /, POST to the queue path (no QueueUrl), GET with URL parameters; signed and unsigned', async () => {
    const url = await newQueue('routes');
    const modes: { label: string; opts: QueryOptions; byPath: boolean }[] = [];
    for (const method of ['POST', 'GET'] as const) {
      for (const sign of [true, false]) {
        for (const byPath of [false, true]) {
          modes.push({ label: `${method}-${sign ? 'signed' : 'unsigned'}-${byPath ? 'path' : 'root'}`, byPath, opts: { method, sign, ...(byPath ? { path: pathOf(url) } : {}) } });
        }
      }
    }
    for (const { label, opts, byPath } of modes) {
      const addr: Params = byPath ? {} : { QueueUrl: url };
      // A body with form- and URL-significant characters, so the encoding is exercised both ways.
      const body = `${label} a+b=c&d %20 é 😀`;
      const sent = resultOf(await q('SendMessage', { ...addr, MessageBody: body }, opts), 'SendMessage');
      assert.equal(sent.MD5OfMessageBody, md5(body), label);
      const [m] = await receive(url, { VisibilityTimeout: 600 }, { method: opts.method!, sign: opts.sign! });
      assert.equal(m?.Body, body, label);
      assert.equal(m.MessageId, sent.MessageId, label);
      const deleted = await q('DeleteMessage', { ...addr, ReceiptHandle: m.ReceiptHandle }, opts);
      assert.equal(resultOf(deleted, 'DeleteMessage'), undefined, label);
      const attrs = resultOf(await q('GetQueueAttributes', { ...addr, 'AttributeName.1': 'QueueArn' }, opts), 'GetQueueAttributes');
      assert.equal(entriesOf(attrs.Attribute).QueueArn, `arn:aws:sqs:us-east-1:${ACCOUNT}:${nameOf(url)}`, label);
    }
    assert.equal(await approximate(url, 'ApproximateNumberOfMessages'), '0');
    assert.equal(await approximate(url, 'ApproximateNumberOfMessagesNotVisible'), '0');
  });

  test('unsigned form POSTs (content-type application/x-www-form-urlencoded, as curl -d sends) reach SQS at / and at a queue path', async () => {
    const url = await newQueue('unsigned');
    const form = (p: Params) => new URLSearchParams(Object.entries({ Version: '2012-11-05', ...p }).map(([k, v]) => [k, String(v)])).toString();
    const sent = await rawForm('/', form({ Action: 'SendMessage', QueueUrl: url, MessageBody: 'curl' }), 'application/x-www-form-urlencoded');
    assert.equal(sent.status, 200, sent.text);
    assert.match(sent.headers.get('content-type') ?? '', /^text\/xml/);
    assert.match(sent.text, /<SendMessageResponse xmlns="http:\/\/queue\.amazonaws\.com\/doc\/2012-11-05\/"><SendMessageResult><MD5OfMessageBody>/);
    assert.match(sent.text, new RegExp(`<MD5OfMessageBody>${md5('curl')}</MD5OfMessageBody>`));

    const byPath = await rawForm(pathOf(url), form({ Action: 'ReceiveMessage', 'AttributeName.1': 'All' }), 'application/x-www-form-urlencoded');
    assert.equal(byPath.status, 200, byPath.text);
    assert.match(byPath.text, /<ReceiveMessageResponse [^>]*><ReceiveMessageResult><Message><MessageId>/);
    assert.match(byPath.text, /<Body>curl<\/Body>/);
    // An unsigned caller is the account (no access key to name).
    assert.match(byPath.text, new RegExp(`<Attribute><Name>SenderId</Name><Value>${ACCOUNT}</Value></Attribute>`));

    const missing = await rawForm(`/${ACCOUNT}/${uniqueName('sqsq-none')}`, form({ Action: 'SendMessage', MessageBody: 'x' }), 'application/x-www-form-urlencoded');
    assert.equal(missing.status, 400, missing.text);
    assert.match(missing.text, /<ErrorResponse [^>]*><Error><Type>Sender<\/Type><Code>AWS\.SimpleQueueService\.NonExistentQueue<\/Code>/);

    const unknown = await rawForm('/', form({ Action: 'Frobnicate' }), 'application/x-www-form-urlencoded');
    assert.equal(unknown.status, 400, unknown.text);
    assert.match(unknown.text, /<Code>InvalidAction<\/Code>/);
  });

  test('an unsigned form POST whose media type is written in another case is still a form post', async () => {
    const url = await newQueue('ctype-case');
    const body = new URLSearchParams({ Action: 'SendMessage', Version: '2012-11-05', QueueUrl: url, MessageBody: 'x' }).toString();
    const res = await rawForm('/', body, 'Application/X-WWW-Form-URLEncoded; charset=UTF-8');
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /<SendMessageResponse /);
  });

  test('unknown Action is InvalidAction (400, Sender), signed or not; a missing Action is a 400 ErrorResponse', async () => {
    for (const sign of [true, false]) {
      for (const method of ['POST', 'GET'] as const) {
        const res = await q('NoSuchAction', {}, { sign, method });
        expectQueryError(res, { code: 'InvalidAction', status: 400, message: /NoSuchAction/ });
        assert.equal(res.xml.ErrorResponse.RequestId, res.headers['x-amzn-requestid']);
        assert.match(String(res.headers['content-type']), /^text\/xml/);
      }
    }
    // The JSON protocol's operation names are the query protocol's actions; a JSON-only spelling is not.
    expectQueryError(await q('AmazonSQS.ListQueues'), { code: 'InvalidAction', status: 400 });
    const res = await rawForm('/', 'Version=2012-11-05&QueueName=x', 'application/x-www-form-urlencoded');
    assert.equal(res.status, 400, res.text);
    assert.match(res.text, /^<\?xml version="1\.0"\?>\s*<ErrorResponse [^>]*><Error><Type>Sender<\/Type><Code>[A-Za-z]+<\/Code><Message>[^<]+<\/Message>/);
  });
});

describe('queues', () => {
  test('CreateQueue with Attribute.N and Tag.N; same attributes is idempotent; different is QueueAlreadyExists', async () => {
    const name = uniqueName('sqsq-create');
    const params = { QueueName: name, ...mapParams({ VisibilityTimeout: '45', DelaySeconds: '3' }), ...mapParams({ team: 'a', env: 'dev' }, 'Tag', 'Key') };
    const first = await call('CreateQueue', params);
    assert.equal(first.QueueUrl, `${srv.url}/${ACCOUNT}/${name}`);
    assert.deepEqual(Object.keys(first), ['QueueUrl']);
    assert.equal((await call('CreateQueue', params)).QueueUrl, first.QueueUrl);

    const attrs = await call('GetQueueAttributes', { QueueUrl: first.QueueUrl, ...listParams(['VisibilityTimeout', 'DelaySeconds'], 'AttributeName') });
    assert.ok(Array.isArray(attrs.Attribute));
    assert.deepEqual(attrs.Attribute.map((a: any) => Object.keys(a)), [['Name', 'Value'], ['Name', 'Value']]);
    assert.deepEqual(entriesOf(attrs.Attribute), { VisibilityTimeout: '45', DelaySeconds: '3' });
    const tags = await call('ListQueueTags', { QueueUrl: first.QueueUrl });
    assert.deepEqual(tags.Tag.map((t: any) => Object.keys(t)), [['Key', 'Value'], ['Key', 'Value']]);
    assert.deepEqual(entriesOf(tags.Tag), { team: 'a', env: 'dev' });

    expectQueryError(await q('CreateQueue', { QueueName: name, ...mapParams({ VisibilityTimeout: '46' }) }), {
      code: 'QueueAlreadyExists', status: 400, message: /VisibilityTimeout/,
    });
  });

  test('CreateQueue errors: MissingParameter, InvalidParameterValue, InvalidAttributeName, InvalidAttributeValue', async () => {
    expectQueryError(await q('CreateQueue'), { code: 'MissingParameter', status: 400, message: /QueueName/ });
    expectQueryError(await q('CreateQueue', { QueueName: 'bad name!' }), { code: 'InvalidParameterValue', status: 400 });
    expectQueryError(await q('CreateQueue', { QueueName: uniqueName('sqsq-fifo-name'), ...mapParams({ FifoQueue: 'true' }) }), {
      code: 'InvalidParameterValue', status: 400,
    });
    expectQueryError(await q('CreateQueue', { QueueName: uniqueName('sqsq-attr'), ...mapParams({ Bogus: '1' }) }), {
      code: 'InvalidAttributeName', status: 400, message: 'Unknown Attribute Bogus.',
    });
    expectQueryError(await q('CreateQueue', { QueueName: uniqueName('sqsq-attr'), ...mapParams({ DelaySeconds: '901' }) }), {
      code: 'InvalidAttributeValue', status: 400,
    });
  });

  test('GetQueueUrl by name and with QueueOwnerAWSAccountId; NonExistentQueue otherwise', async () => {
    const url = await newQueue('geturl');
    const name = nameOf(url);
    const res = await q('GetQueueUrl', { QueueName: name });
    assert.equal(resultOf(res, 'GetQueueUrl').QueueUrl, url);
    assert.match(res.text, new RegExp(`<GetQueueUrlResult><QueueUrl>${url}</QueueUrl></GetQueueUrlResult>`));
    assert.equal((await call('GetQueueUrl', { QueueName: name, QueueOwnerAWSAccountId: ACCOUNT })).QueueUrl, url);
    assert.equal((await call('GetQueueUrl', { QueueName: name }, { method: 'GET', sign: false })).QueueUrl, url);
    expectQueryError(await q('GetQueueUrl', { QueueName: name, QueueOwnerAWSAccountId: '111111111111' }), nonExistent);
    expectQueryError(await q('GetQueueUrl', { QueueName: uniqueName('sqsq-missing') }), nonExistent);
    expectQueryError(await q('GetQueueUrl'), { code: 'MissingParameter', status: 400, message: /QueueName/ });
  });

  test('ListQueues: QueueNamePrefix, MaxResults pages with NextToken, <QueueUrl> repeated', async () => {
    const prefix = uniqueName('sqsq-list');
    const names = ['a', 'b', 'c'].map((s) => `${prefix}-${s}`);
    for (const n of names) await call('CreateQueue', { QueueName: n });
    const urls = names.map((n) => `${srv.url}/${ACCOUNT}/${n}`);

    const all = await call('ListQueues', { QueueNamePrefix: prefix });
    assert.deepEqual(all.QueueUrl, urls);
    assert.equal(all.NextToken, undefined, 'no NextToken without MaxResults');

    const first = await call('ListQueues', { QueueNamePrefix: prefix, MaxResults: 2 });
    assert.deepEqual(first.QueueUrl, urls.slice(0, 2));
    assert.equal(typeof first.NextToken, 'string');
    assert.ok(first.NextToken.length > 0);
    const second = await call('ListQueues', { QueueNamePrefix: prefix, MaxResults: 2, NextToken: first.NextToken }, { method: 'GET' });
    assert.deepEqual(second.QueueUrl, urls.slice(2));
    assert.equal(second.NextToken, undefined);

    const one = await call('ListQueues', { QueueNamePrefix: names[1]! });
    assert.deepEqual(one.QueueUrl, [urls[1]], 'a single URL is still a flattened repeat');
    const none = await q('ListQueues', { QueueNamePrefix: `${prefix}-zzz` });
    assert.equal(resultOf(none, 'ListQueues') ?? '', '');
    assert.doesNotMatch(none.text, /<QueueUrl>/);

    expectQueryError(await q('ListQueues', { MaxResults: 0 }), { code: 'InvalidParameterValue', status: 400, message: /MaxResults/ });
    expectQueryError(await q('ListQueues', { MaxResults: 1001 }), { code: 'InvalidParameterValue', status: 400, message: /MaxResults/ });
    expectQueryError(await q('ListQueues', { MaxResults: 'ten' }), { code: 'InvalidParameterValue', status: 400, message: /MaxResults/ });
    expectQueryError(await q('ListQueues', { MaxResults: 1, NextToken: 'not-a-token' }), { code: 'InvalidParameterValue', status: 400 });
  });

  test('ListDeadLetterSourceQueues: <QueueUrl> repeated, paged with MaxResults/NextToken', async () => {
    const dlq = await newQueue('dlq');
    const dlqArn = entriesOf((await call('GetQueueAttributes', { QueueUrl: dlq, 'AttributeName.1': 'QueueArn' })).Attribute).QueueArn;
    const redrive = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 });
    const sources = [await newQueue('src-a', { RedrivePolicy: redrive }), await newQueue('src-b', { RedrivePolicy: redrive })];
    const all = await call('ListDeadLetterSourceQueues', { QueueUrl: dlq });
    assert.deepEqual(all.QueueUrl, sources);
    const first = await call('ListDeadLetterSourceQueues', { QueueUrl: dlq, MaxResults: 1 });
    assert.deepEqual(first.QueueUrl, [sources[0]]);
    assert.ok(first.NextToken);
    const second = await call('ListDeadLetterSourceQueues', { MaxResults: 1, NextToken: first.NextToken }, { path: pathOf(dlq) });
    assert.deepEqual(second.QueueUrl, [sources[1]]);
    assert.equal(second.NextToken, undefined);
    assert.equal((await call('ListDeadLetterSourceQueues', { QueueUrl: sources[0]! }))?.QueueUrl, undefined);
    expectQueryError(await q('ListDeadLetterSourceQueues', { QueueUrl: `${srv.url}/${ACCOUNT}/${uniqueName('sqsq-nodlq')}` }), nonExistent);
  });

  test('Get/SetQueueAttributes: AttributeName.N (All, names), Attribute.N, errors', async () => {
    const url = await newQueue('attrs');
    assert.equal(await call('GetQueueAttributes', { QueueUrl: url }) ?? '', '', 'no AttributeName: an empty result');
    const all = entriesOf((await call('GetQueueAttributes', { QueueUrl: url, 'AttributeName.1': 'All' })).Attribute);
    assert.equal(all.VisibilityTimeout, '30');
    assert.equal(all.DelaySeconds, '0');
    assert.equal(all.MaximumMessageSize, '1048576');
    assert.equal(all.QueueArn, `arn:aws:sqs:us-east-1:${ACCOUNT}:${nameOf(url)}`);
    assert.equal(all.ApproximateNumberOfMessages, '0');
    assert.match(all.CreatedTimestamp, /^\d{10}$/);
    assert.match(all.LastModifiedTimestamp, /^\d{10}$/);

    const set = await q('SetQueueAttributes', { QueueUrl: url, ...mapParams({ VisibilityTimeout: '60', ReceiveMessageWaitTimeSeconds: '2' }) });
    assert.equal(resultOf(set, 'SetQueueAttributes'), undefined);
    const some = await call('GetQueueAttributes', { QueueUrl: url, ...listParams(['VisibilityTimeout', 'ReceiveMessageWaitTimeSeconds'], 'AttributeName') });
    assert.deepEqual(entriesOf(some.Attribute), { VisibilityTimeout: '60', ReceiveMessageWaitTimeSeconds: '2' });
    // By the queue's own path, unsigned.
    await call('SetQueueAttributes', mapParams({ DelaySeconds: '0', ReceiveMessageWaitTimeSeconds: '0' }), { path: pathOf(url), sign: false });
    assert.equal(await approximate(url, 'ReceiveMessageWaitTimeSeconds'), '0');

    expectQueryError(await q('GetQueueAttributes', { QueueUrl: url, 'AttributeName.1': 'Bogus' }), {
      code: 'InvalidAttributeName', status: 400, message: 'Unknown Attribute Bogus.',
    });
    expectQueryError(await q('SetQueueAttributes', { QueueUrl: url, ...mapParams({ Bogus: '1' }) }), { code: 'InvalidAttributeName', status: 400 });
    expectQueryError(await q('SetQueueAttributes', { QueueUrl: url, ...mapParams({ VisibilityTimeout: '43201' }) }), { code: 'InvalidAttributeValue', status: 400 });
    expectQueryError(await q('SetQueueAttributes', { QueueUrl: url }), { code: 'MissingParameter', status: 400 });
    expectQueryError(await q('GetQueueAttributes', { 'AttributeName.1': 'All' }), { code: 'MissingParameter', status: 400, message: /QueueUrl/ });
  });

  test('TagQueue (Tag.N), UntagQueue (TagKey.N), ListQueueTags (<Tag><Key/><Value/></Tag>)', async () => {
    const url = await newQueue('tags');
    assert.equal(await call('ListQueueTags', { QueueUrl: url }) ?? '', '', 'no tags: an empty result');
    assert.equal(await call('TagQueue', { QueueUrl: url, ...mapParams({ team: 'a', cost: '42' }, 'Tag', 'Key') }), undefined);
    assert.equal(await call('TagQueue', mapParams({ team: 'b', env: 'dev' }, 'Tag', 'Key'), { path: pathOf(url), method: 'GET' }), undefined);
    assert.deepEqual(entriesOf((await call('ListQueueTags', { QueueUrl: url })).Tag), { team: 'b', cost: '42', env: 'dev' });
    assert.equal(await call('UntagQueue', { QueueUrl: url, ...listParams(['team', 'cost'], 'TagKey') }), undefined);
    const left = await call('ListQueueTags', {}, { path: pathOf(url), sign: false });
    assert.deepEqual(left.Tag, [{ Key: 'env', Value: 'dev' }]);
    expectQueryError(await q('TagQueue', { QueueUrl: url }), { code: 'MissingParameter', status: 400 });
    expectQueryError(await q('UntagQueue', { QueueUrl: url }), { code: 'MissingParameter', status: 400 });
    expectQueryError(await q('TagQueue', { QueueUrl: url, 'Tag.1.Key': 'k' }), { code: 'MissingParameter', status: 400 });
  });

  test('PurgeQueue empties the queue; a second purge within 60 s is AWS.SimpleQueueService.PurgeQueueInProgress (403)', async () => {
    const url = await newQueue('purge');
    await call('SendMessage', { QueueUrl: url, MessageBody: 'one' });
    const res = await q('PurgeQueue', { QueueUrl: url });
    assert.equal(resultOf(res, 'PurgeQueue'), undefined);
    assert.equal(await approximate(url, 'ApproximateNumberOfMessages'), '0');
    assert.deepEqual(await receive(url), []);
    expectQueryError(await q('PurgeQueue', {}, { path: pathOf(url) }), { code: 'AWS.SimpleQueueService.PurgeQueueInProgress', status: 403 });
  });

  test('DeleteQueue; then NonExistentQueue, and the name is QueueDeletedRecently for 60 s', async () => {
    const url = await newQueue('delete');
    assert.equal(resultOf(await q('DeleteQueue', {}, { path: pathOf(url), method: 'GET' }), 'DeleteQueue'), undefined);
    expectQueryError(await q('GetQueueUrl', { QueueName: nameOf(url) }), nonExistent);
    expectQueryError(await q('DeleteQueue', { QueueUrl: url }), nonExistent);
    expectQueryError(await q('SendMessage', { MessageBody: 'x' }, { path: pathOf(url) }), nonExistent);
    expectQueryError(await q('CreateQueue', { QueueName: nameOf(url) }), { code: 'AWS.SimpleQueueService.QueueDeletedRecently', status: 400 });
  });

  test('queue addressing errors: InvalidAddress (404) for a URL without /<account>/<name>, MissingParameter without QueueUrl', async () => {
    for (const bad of ['not a url', `${srv.url}/`, `${srv.url}/${ACCOUNT}/x/extra`]) {
      expectQueryError(await q('SendMessage', { QueueUrl: bad, MessageBody: 'x' }), { code: 'InvalidAddress', status: 404 });
    }
    expectQueryError(await q('SendMessage', { MessageBody: 'x' }), { code: 'MissingParameter', status: 400, message: /QueueUrl/ });
    // An AWS-style URL for a queue that exists resolves by path.
    const url = await newQueue('aws-url');
    const sent = await call('SendMessage', { QueueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${nameOf(url)}`, MessageBody: 'x' });
    assert.match(sent.MessageId, UUID);
  });
});

describe('SendMessage and ReceiveMessage', () => {
  test('MessageAttribute.N (String, Number, Binary base64, custom labels): MD5s on send and receive, flattened XML back', async () => {
    const url = await newQueue('attrs-msg');
    const body = 'h\u00e9llo <xml> & "quotes" \'apos\' ]]> \u{1F600}\r\nline\ttab\rcr';
    const attrs: Record<string, Attr> = {
      zeta: { DataType: 'String', StringValue: 'last <&>' },
      count: { DataType: 'Number', StringValue: '1493147359900' },
      blob: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2, 250, 255, 0x3c]) },
      'label.x': { DataType: 'String.custom', StringValue: 'v' },
      'num.f': { DataType: 'Number.float', StringValue: '-1.5e3' },
    };
    const sent = await call('SendMessage', { QueueUrl: url, MessageBody: body, ...attributeParams(attrs) });
    assert.equal(sent.MD5OfMessageBody, md5(body));
    assert.equal(sent.MD5OfMessageAttributes, md5OfAttributes(attrs));
    assert.match(sent.MessageId, UUID);
    assert.deepEqual(Object.keys(sent), ['MD5OfMessageBody', 'MD5OfMessageAttributes', 'MessageId']);

    const res = await q('ReceiveMessage', { QueueUrl: url, 'AttributeName.1': 'All', 'MessageAttributeName.1': 'All' });
    assert.match(res.text, /&#xD;/, 'CR travels as a character reference, so XML parsers keep it');
    const [m, ...rest] = resultOf(res, 'ReceiveMessage').Message;
    assert.equal(rest.length, 0);
    assert.deepEqual(Object.keys(m), ['MessageId', 'ReceiptHandle', 'MD5OfBody', 'Body', 'Attribute', 'MD5OfMessageAttributes', 'MessageAttribute']);
    assert.equal(m.MessageId, sent.MessageId);
    assert.equal(m.Body, body);
    assert.equal(m.MD5OfBody, md5(body));
    assert.equal(m.MD5OfMessageAttributes, md5OfAttributes(attrs));
    const got = entriesOf(m.MessageAttribute);
    assert.deepEqual(Object.keys(got).sort(), Object.keys(attrs).sort());
    for (const [name, a] of Object.entries(attrs)) {
      const want: Record<string, string> = { DataType: a.DataType };
      if (a.StringValue !== undefined) want.StringValue = a.StringValue;
      if (a.BinaryValue !== undefined) want.BinaryValue = a.BinaryValue.toString('base64');
      assert.deepEqual(got[name], want, name);
    }
    const system = entriesOf(m.Attribute);
    assert.deepEqual(Object.keys(system).sort(), ['ApproximateFirstReceiveTimestamp', 'ApproximateReceiveCount', 'SenderId', 'SentTimestamp']);
    assert.equal(system.ApproximateReceiveCount, '1');
    assert.equal(system.SenderId, 'test');
    assert.match(system.SentTimestamp, /^\d{13}$/);
    assert.match(system.ApproximateFirstReceiveTimestamp, /^\d{13}$/);
  });

  test('ReceiveMessage narrows by AttributeName.N / MessageSystemAttributeName.N / MessageAttributeName.N; the MD5 covers what is returned', async () => {
    const url = await newQueue('narrow');
    const attrs: Record<string, Attr> = {
      'order.id': { DataType: 'String', StringValue: '17' },
      'order.total': { DataType: 'Number', StringValue: '9.5' },
      other: { DataType: 'Binary', BinaryValue: randomBytes(16) },
    };
    await call('SendMessage', { QueueUrl: url, MessageBody: 'a', ...attributeParams(attrs) });
    const one = async (params: Params) => {
      const [m] = await receive(url, { VisibilityTimeout: 0, ...params });
      assert.ok(m, 'a message');
      return m;
    };
    const bare = await one({});
    assert.deepEqual(Object.keys(bare), ['MessageId', 'ReceiptHandle', 'MD5OfBody', 'Body']);

    const sysOnly = await one(listParams(['SentTimestamp', 'ApproximateReceiveCount'], 'AttributeName'));
    assert.deepEqual(Object.keys(entriesOf(sysOnly.Attribute)).sort(), ['ApproximateReceiveCount', 'SentTimestamp']);
    assert.equal(entriesOf(sysOnly.Attribute).ApproximateReceiveCount, '2');
    const viaNew = await one({ 'MessageSystemAttributeName.1': 'SenderId' });
    assert.deepEqual(viaNew.Attribute, [{ Name: 'SenderId', Value: 'test' }], 'a single attribute is still a flattened repeat');

    for (const names of [['All'], ['.*']]) {
      const m = await one(listParams(names, 'MessageAttributeName'));
      assert.deepEqual(Object.keys(entriesOf(m.MessageAttribute)).sort(), ['order.id', 'order.total', 'other']);
      assert.equal(m.MD5OfMessageAttributes, md5OfAttributes(attrs));
    }
    const prefixed = await one({ 'MessageAttributeName.1': 'order.*' });
    assert.deepEqual(Object.keys(entriesOf(prefixed.MessageAttribute)).sort(), ['order.id', 'order.total']);
    assert.equal(prefixed.MD5OfMessageAttributes, md5OfAttributes({ 'order.id': attrs['order.id']!, 'order.total': attrs['order.total']! }));
    const named = await one(listParams(['other', 'missing'], 'MessageAttributeName'));
    assert.deepEqual(named.MessageAttribute, [{ Name: 'other', Value: { BinaryValue: attrs.other!.BinaryValue!.toString('base64'), DataType: 'Binary' } }]);
    assert.equal(named.MD5OfMessageAttributes, md5OfAttributes({ other: attrs.other! }));
    const nothing = await one({ 'MessageAttributeName.1': 'nothing.*' });
    assert.equal(nothing.MessageAttribute, undefined);
    assert.equal(nothing.MD5OfMessageAttributes, undefined);
  });

  test('MessageSystemAttribute.N (AWSTraceHeader): MD5OfMessageSystemAttributes, and back on receive', async () => {
    const url = await newQueue('trace');
    const trace: Record<string, Attr> = { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1' } };
    const sent = await call('SendMessage', { QueueUrl: url, MessageBody: 'traced', ...attributeParams(trace, '', 'MessageSystemAttribute') });
    assert.equal(sent.MD5OfMessageSystemAttributes, md5OfAttributes(trace));
    assert.equal(sent.MD5OfMessageAttributes, undefined);
    const [m] = await receive(url, { 'MessageSystemAttributeName.1': 'AWSTraceHeader' });
    assert.deepEqual(m.Attribute, [{ Name: 'AWSTraceHeader', Value: trace.AWSTraceHeader!.StringValue }]);
  });

  test('DelaySeconds on SendMessage hides the message until it passes (ApproximateNumberOfMessagesDelayed)', async () => {
    const url = await newQueue('delay');
    const started = Date.now();
    await call('SendMessage', { QueueUrl: url, MessageBody: 'later', DelaySeconds: 1 });
    assert.deepEqual(await receive(url), []);
    assert.equal(await approximate(url, 'ApproximateNumberOfMessagesDelayed'), '1');
    const [m] = await receive(url, { WaitTimeSeconds: 5 });
    assert.equal(m?.Body, 'later');
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 900 && elapsed < 5000, `delivered after ${elapsed} ms`);
  });

  test('MaxNumberOfMessages, VisibilityTimeout, and no <Message> when the queue is empty', async () => {
    const url = await newQueue('max');
    for (let i = 0; i < 5; i++) await call('SendMessage', { QueueUrl: url, MessageBody: `m${i}` });
    const first = await receive(url, { MaxNumberOfMessages: 3, VisibilityTimeout: 600 });
    assert.equal(first.length, 3);
    const rest = await receive(url, { MaxNumberOfMessages: 10, VisibilityTimeout: 600 }, { method: 'GET' });
    assert.equal(rest.length, 2);
    assert.deepEqual([...first, ...rest].map((m) => m.Body).sort(), ['m0', 'm1', 'm2', 'm3', 'm4']);
    const empty = await q('ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 10 });
    assert.equal(resultOf(empty, 'ReceiveMessage') ?? '', '');
    assert.match(empty.text, /<ReceiveMessageResult\s*\/>|<ReceiveMessageResult><\/ReceiveMessageResult>/);
    assert.doesNotMatch(empty.text, /<Message>/);
    assert.equal(await approximate(url, 'ApproximateNumberOfMessagesNotVisible'), '5');
  });

  test('WaitTimeSeconds: an empty queue answers after the wait; a send ends a long poll early', async () => {
    const url = await newQueue('longpoll');
    let started = Date.now();
    assert.deepEqual(await receive(url, { WaitTimeSeconds: 1 }), []);
    const waited = Date.now() - started;
    assert.ok(waited >= 900 && waited < 5000, `WaitTimeSeconds 1 took ${waited} ms`);

    started = Date.now();
    const polling = receive(url, { WaitTimeSeconds: 20 }, { path: pathOf(url), sign: false });
    await new Promise((r) => setTimeout(r, 100));
    await call('SendMessage', { QueueUrl: url, MessageBody: 'wake' });
    const got = await polling;
    assert.equal(got[0]?.Body, 'wake');
    assert.ok(Date.now() - started < 10_000, 'the long poll ended when the message arrived');
  });

  test('SendMessage / ReceiveMessage parameter errors', async () => {
    const url = await newQueue('send-err');
    expectQueryError(await q('SendMessage', { QueueUrl: url }), { code: 'MissingParameter', status: 400, message: /MessageBody/ });
    expectQueryError(await q('SendMessage', { QueueUrl: url, MessageBody: 'bad \u0001 char' }), { code: 'InvalidMessageContents', status: 400 });
    expectQueryError(await q('SendMessage', { QueueUrl: url, MessageBody: 'x', DelaySeconds: 901 }), { code: 'InvalidParameterValue', status: 400, message: /DelaySeconds/ });
    expectQueryError(await q('SendMessage', { QueueUrl: url, MessageBody: 'x', DelaySeconds: 'soon' }), { code: 'InvalidParameterValue', status: 400, message: /DelaySeconds/ });
    expectQueryError(await q('SendMessage', { QueueUrl: url, MessageBody: 'x', ...attributeParams({ a: { DataType: 'Binary', StringValue: 'text' } }) }), {
      code: 'InvalidParameterValue', status: 400, message: /'a'/,
    });
    expectQueryError(await q('SendMessage', { QueueUrl: url, MessageBody: 'x', 'MessageAttribute.1.Name': 'a', 'MessageAttribute.1.Value.BinaryValue': '!!not base64!!', 'MessageAttribute.1.Value.DataType': 'Binary' }), {
      code: 'InvalidParameterValue', status: 400,
    });
    expectQueryError(await q('SendMessage', { QueueUrl: url, MessageBody: 'x', 'MessageAttribute.1.Name': 'a', 'MessageAttribute.1.Value.StringValue': 'v' }), {
      code: 'InvalidParameterValue', status: 400, message: /'a'/,
    });
    expectQueryError(await q('SendMessage', { QueueUrl: url, MessageBody: 'x', ...attributeParams({ n: { DataType: 'Number', StringValue: 'NaN-ish' } }) }), {
      code: 'InvalidParameterValue', status: 400,
    });
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }]));
    expectQueryError(await q('SendMessage', { QueueUrl: url, MessageBody: 'x', ...attributeParams(eleven) }), { code: 'InvalidParameterValue', status: 400 });

    for (const [params, pattern] of [
      [{ MaxNumberOfMessages: 0 }, /MaxNumberOfMessages/],
      [{ MaxNumberOfMessages: 11 }, /MaxNumberOfMessages/],
      [{ MaxNumberOfMessages: 'ten' }, /MaxNumberOfMessages/],
      [{ WaitTimeSeconds: 21 }, /WaitTimeSeconds/],
      [{ VisibilityTimeout: 43_201 }, /VisibilityTimeout/],
    ] as [Params, RegExp][]) {
      expectQueryError(await q('ReceiveMessage', { QueueUrl: url, ...params }), { code: 'InvalidParameterValue', status: 400, message: pattern });
    }
    assert.equal(await approximate(url, 'ApproximateNumberOfMessages'), '0', 'no failed send left a message');
  });
});

describe('DeleteMessage and ChangeMessageVisibility', () => {
  test('DeleteMessage by receipt handle; ReceiptHandleIsInvalid (404); MissingParameter', async () => {
    const url = await newQueue('del');
    await call('SendMessage', { QueueUrl: url, MessageBody: 'x' });
    const [m] = await receive(url, { VisibilityTimeout: 600 });
    assert.equal(resultOf(await q('DeleteMessage', { QueueUrl: url, ReceiptHandle: m.ReceiptHandle }), 'DeleteMessage'), undefined);
    assert.equal(await approximate(url, 'ApproximateNumberOfMessagesNotVisible'), '0');
    // A stale but well-formed handle succeeds silently.
    assert.equal(await call('DeleteMessage', { ReceiptHandle: m.ReceiptHandle }, { path: pathOf(url) }), undefined);
    expectQueryError(await q('DeleteMessage', { QueueUrl: url, ReceiptHandle: 'garbage' }), {
      code: 'ReceiptHandleIsInvalid', status: 404, message: /"garbage" is not a valid receipt handle/,
    });
    expectQueryError(await q('DeleteMessage', { QueueUrl: url }), { code: 'MissingParameter', status: 400, message: /ReceiptHandle/ });
  });

  test('ChangeMessageVisibility: 0 makes the message visible; MessageNotInflight; ReceiptHandleIsInvalid; parameter errors', async () => {
    const url = await newQueue('vis');
    await call('SendMessage', { QueueUrl: url, MessageBody: 'x' });
    const [m] = await receive(url, { VisibilityTimeout: 600 });
    assert.deepEqual(await receive(url), []);
    const res = await q('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 });
    assert.equal(resultOf(res, 'ChangeMessageVisibility'), undefined);
    expectQueryError(await q('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 10 }), {
      code: 'AWS.SimpleQueueService.MessageNotInflight', status: 400,
    });
    const [again] = await receive(url, { VisibilityTimeout: 600 });
    assert.equal(again.MessageId, m.MessageId);
    await call('ChangeMessageVisibility', { ReceiptHandle: again.ReceiptHandle, VisibilityTimeout: 0 }, { path: pathOf(url), method: 'GET', sign: false });
    assert.equal((await receive(url, { VisibilityTimeout: 600 }))[0]?.MessageId, m.MessageId);

    expectQueryError(await q('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: 'garbage', VisibilityTimeout: 1 }), { code: 'ReceiptHandleIsInvalid', status: 404 });
    expectQueryError(await q('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: again.ReceiptHandle }), { code: 'MissingParameter', status: 400, message: /VisibilityTimeout/ });
    expectQueryError(await q('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: again.ReceiptHandle, VisibilityTimeout: 43_201 }), { code: 'InvalidParameterValue', status: 400 });
  });
});

describe('batches', () => {
  test('SendMessageBatch: SendMessageBatchRequestEntry.N.* in, <SendMessageBatchResultEntry>/<BatchResultErrorEntry> out, MD5s', async () => {
    const url = await newQueue('batch');
    const attrs: Record<string, Attr> = { timestamp: { DataType: 'Number', StringValue: '1493147359900' }, bin: { DataType: 'Binary', BinaryValue: Buffer.from('bytes') } };
    const e = 'SendMessageBatchRequestEntry';
    const res = await q('SendMessageBatch', {
      QueueUrl: url,
      [`${e}.1.Id`]: 'ok-1', [`${e}.1.MessageBody`]: 'hello',
      [`${e}.2.Id`]: 'ok_2', [`${e}.2.MessageBody`]: 'with attrs & <xml>', ...attributeParams(attrs, `${e}.2.`),
      [`${e}.3.Id`]: 'bad', [`${e}.3.MessageBody`]: 'x', [`${e}.3.DelaySeconds`]: 1000,
      [`${e}.4.Id`]: 'delayed', [`${e}.4.MessageBody`]: 'later', [`${e}.4.DelaySeconds`]: 600,
    });
    const out = resultOf(res, 'SendMessageBatch');
    assert.deepEqual(Object.keys(out), ['SendMessageBatchResultEntry', 'BatchResultErrorEntry']);
    const ok = out.SendMessageBatchResultEntry;
    assert.deepEqual(ok.map((r: any) => r.Id), ['ok-1', 'ok_2', 'delayed']);
    assert.deepEqual(Object.keys(ok[0]), ['Id', 'MessageId', 'MD5OfMessageBody']);
    assert.equal(ok[0].MD5OfMessageBody, '5d41402abc4b2a76b9719d911017c592');
    assert.equal(ok[1].MD5OfMessageBody, md5('with attrs & <xml>'));
    assert.equal(ok[1].MD5OfMessageAttributes, md5OfAttributes(attrs));
    for (const r of ok) assert.match(r.MessageId, UUID);
    assert.equal(out.BatchResultErrorEntry.length, 1);
    const failed = out.BatchResultErrorEntry[0];
    assert.deepEqual(Object.keys(failed), ['Id', 'SenderFault', 'Code', 'Message']);
    assert.deepEqual([failed.Id, failed.SenderFault, failed.Code], ['bad', 'true', 'InvalidParameterValue']);
    assert.match(failed.Message, /DelaySeconds/);

    const got = await receive(url, { MaxNumberOfMessages: 10, 'MessageAttributeName.1': 'All' });
    assert.deepEqual(got.map((m) => m.Body).sort(), ['hello', 'with attrs & <xml>']);
    const withAttrs = got.find((m) => m.Body !== 'hello');
    assert.equal(withAttrs.MD5OfMessageAttributes, md5OfAttributes(attrs));
    assert.deepEqual(entriesOf(withAttrs.MessageAttribute).bin, { BinaryValue: Buffer.from('bytes').toString('base64'), DataType: 'Binary' });
    assert.equal(await approximate(url, 'ApproximateNumberOfMessagesDelayed'), '1');
  });

  test('batch request errors carry AWS.SimpleQueueService.* codes', async () => {
    const url = await newQueue('batch-err');
    const entries = (ids: string[]) => Object.fromEntries(ids.flatMap((id, i) => [
      [`SendMessageBatchRequestEntry.${i + 1}.Id`, id], [`SendMessageBatchRequestEntry.${i + 1}.MessageBody`, 'x'],
    ]));
    // botocore sends an empty flattened list as the bare name with an empty value.
    expectQueryError(await q('SendMessageBatch', { QueueUrl: url, SendMessageBatchRequestEntry: '' }), {
      code: 'AWS.SimpleQueueService.EmptyBatchRequest', status: 400, message: /SendMessageBatchRequestEntry/,
    });
    expectQueryError(await q('SendMessageBatch', { QueueUrl: url, ...entries(Array.from({ length: 11 }, (_, i) => `e${i}`)) }), {
      code: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest', status: 400, message: /11/,
    });
    expectQueryError(await q('SendMessageBatch', { QueueUrl: url, ...entries(['a', 'a']) }), {
      code: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct', status: 400, message: 'Id a repeated.',
    });
    expectQueryError(await q('SendMessageBatch', { QueueUrl: url, ...entries(['has space']) }), { code: 'AWS.SimpleQueueService.InvalidBatchEntryId', status: 400 });
    const big = 'x'.repeat(600 * 1024);
    expectQueryError(await q('SendMessageBatch', {
      QueueUrl: url,
      'SendMessageBatchRequestEntry.1.Id': 'a', 'SendMessageBatchRequestEntry.1.MessageBody': big,
      'SendMessageBatchRequestEntry.2.Id': 'b', 'SendMessageBatchRequestEntry.2.MessageBody': big,
    }), { code: 'AWS.SimpleQueueService.BatchRequestTooLong', status: 400 });
    expectQueryError(await q('DeleteMessageBatch', { QueueUrl: url, DeleteMessageBatchRequestEntry: '' }), {
      code: 'AWS.SimpleQueueService.EmptyBatchRequest', status: 400, message: /DeleteMessageBatchRequestEntry/,
    });
    const elevenVis = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [
      [`ChangeMessageVisibilityBatchRequestEntry.${i + 1}.Id`, `c${i}`], [`ChangeMessageVisibilityBatchRequestEntry.${i + 1}.ReceiptHandle`, 'x'],
      [`ChangeMessageVisibilityBatchRequestEntry.${i + 1}.VisibilityTimeout`, '1'],
    ]).flat());
    expectQueryError(await q('ChangeMessageVisibilityBatch', { QueueUrl: url, ...elevenVis }), { code: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest', status: 400 });
    assert.equal(await approximate(url, 'ApproximateNumberOfMessages'), '0');
  });

  test('DeleteMessageBatch and ChangeMessageVisibilityBatch: per-entry <...ResultEntry> and <BatchResultErrorEntry>', async () => {
    const url = await newQueue('batch-del');
    await call('SendMessageBatch', {
      QueueUrl: url,
      'SendMessageBatchRequestEntry.1.Id': '1', 'SendMessageBatchRequestEntry.1.MessageBody': 'a',
      'SendMessageBatchRequestEntry.2.Id': '2', 'SendMessageBatchRequestEntry.2.MessageBody': 'b',
    });
    const got = await receive(url, { MaxNumberOfMessages: 10, VisibilityTimeout: 600 });
    assert.equal(got.length, 2);
    const [m1, m2] = got;

    const c = 'ChangeMessageVisibilityBatchRequestEntry';
    const changed = await call('ChangeMessageVisibilityBatch', {
      QueueUrl: url,
      [`${c}.1.Id`]: 'c1', [`${c}.1.ReceiptHandle`]: m1.ReceiptHandle, [`${c}.1.VisibilityTimeout`]: 0,
      [`${c}.2.Id`]: 'c2', [`${c}.2.ReceiptHandle`]: 'garbage', [`${c}.2.VisibilityTimeout`]: 0,
    });
    assert.deepEqual(changed.ChangeMessageVisibilityBatchResultEntry, [{ Id: 'c1' }]);
    assert.deepEqual(
      changed.BatchResultErrorEntry.map((f: any) => [f.Id, f.SenderFault, f.Code]),
      [['c2', 'true', 'ReceiptHandleIsInvalid']],
    );
    const [again] = await receive(url, { VisibilityTimeout: 600 });
    assert.equal(again.MessageId, m1.MessageId, 'visibility 0 made the message visible again');

    const d = 'DeleteMessageBatchRequestEntry';
    const deleted = await call('DeleteMessageBatch', {
      [`${d}.1.Id`]: 'd1', [`${d}.1.ReceiptHandle`]: again.ReceiptHandle,
      [`${d}.2.Id`]: 'd2', [`${d}.2.ReceiptHandle`]: m2.ReceiptHandle,
      [`${d}.3.Id`]: 'd3', [`${d}.3.ReceiptHandle`]: 'garbage',
    }, { path: pathOf(url), sign: false });
    assert.deepEqual(deleted.DeleteMessageBatchResultEntry, [{ Id: 'd1' }, { Id: 'd2' }]);
    assert.deepEqual(deleted.BatchResultErrorEntry.map((f: any) => [f.Id, f.SenderFault, f.Code]), [['d3', 'true', 'ReceiptHandleIsInvalid']]);
    assert.equal(await approximate(url, 'ApproximateNumberOfMessages'), '0');
    assert.equal(await approximate(url, 'ApproximateNumberOfMessagesNotVisible'), '0');

    // All entries fine: no BatchResultErrorEntry at all.
    await call('SendMessage', { QueueUrl: url, MessageBody: 'c' });
    const [m3] = await receive(url, { VisibilityTimeout: 600 });
    const clean = await q('DeleteMessageBatch', { QueueUrl: url, [`${d}.1.Id`]: 'only', [`${d}.1.ReceiptHandle`]: m3.ReceiptHandle });
    assert.deepEqual(resultOf(clean, 'DeleteMessageBatch'), { DeleteMessageBatchResultEntry: [{ Id: 'only' }] });
    assert.doesNotMatch(clean.text, /BatchResultErrorEntry/);
  });
});

describe('FIFO', () => {
  test('MessageGroupId / MessageDeduplicationId: SequenceNumber, dedup, order, group attributes on receive', async () => {
    const url = await newQueue('fifo', { FifoQueue: 'true' });
    assert.match(url, /\.fifo$/);
    assert.equal(await approximate(url, 'FifoQueue'), 'true');
    const a = await call('SendMessage', { QueueUrl: url, MessageBody: 'a', MessageGroupId: 'g', MessageDeduplicationId: 'd1' });
    assert.match(a.SequenceNumber, /^\d{20}$/);
    assert.deepEqual(Object.keys(a), ['MD5OfMessageBody', 'MessageId', 'SequenceNumber']);
    const dup = await call('SendMessage', { QueueUrl: url, MessageBody: 'a', MessageGroupId: 'g', MessageDeduplicationId: 'd1' });
    assert.equal(dup.MessageId, a.MessageId);

    const e = 'SendMessageBatchRequestEntry';
    const batch = await call('SendMessageBatch', {
      QueueUrl: url,
      [`${e}.1.Id`]: 'b', [`${e}.1.MessageBody`]: 'b', [`${e}.1.MessageGroupId`]: 'g', [`${e}.1.MessageDeduplicationId`]: 'd2',
      [`${e}.2.Id`]: 'c', [`${e}.2.MessageBody`]: 'c', [`${e}.2.MessageGroupId`]: 'g', [`${e}.2.MessageDeduplicationId`]: 'd3',
      [`${e}.3.Id`]: 'nogroup', [`${e}.3.MessageBody`]: 'x', [`${e}.3.MessageDeduplicationId`]: 'd4',
    });
    const seqs = batch.SendMessageBatchResultEntry.map((r: any) => r.SequenceNumber);
    assert.equal(seqs.length, 2);
    assert.ok(BigInt(seqs[0]) > BigInt(a.SequenceNumber) && BigInt(seqs[1]) > BigInt(seqs[0]), 'sequence numbers grow');
    assert.deepEqual(batch.BatchResultErrorEntry.map((f: any) => [f.Id, f.SenderFault, f.Code]), [['nogroup', 'true', 'MissingParameter']]);

    const got = await receive(url, { MaxNumberOfMessages: 10, 'AttributeName.1': 'All' });
    assert.deepEqual(got.map((m) => m.Body), ['a', 'b', 'c']);
    const first = entriesOf(got[0].Attribute);
    assert.equal(first.MessageGroupId, 'g');
    assert.equal(first.MessageDeduplicationId, 'd1');
    assert.equal(first.SequenceNumber, a.SequenceNumber);

    expectQueryError(await q('SendMessage', { QueueUrl: url, MessageBody: 'x', MessageDeduplicationId: 'd9' }), {
      code: 'MissingParameter', status: 400, message: /MessageGroupId/,
    });
    expectQueryError(await q('SendMessage', { QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g' }), { code: 'InvalidParameterValue', status: 400 });
    expectQueryError(await q('SendMessage', { QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd9', DelaySeconds: 5 }), {
      code: 'InvalidParameterValue', status: 400,
    });
  });

  test('ContentBasedDeduplication: the body deduplicates without MessageDeduplicationId', async () => {
    const url = await newQueue('fifo-cbd', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    const one = await call('SendMessage', { MessageBody: 'same', MessageGroupId: 'g' }, { path: pathOf(url) });
    const two = await call('SendMessage', { MessageBody: 'same', MessageGroupId: 'g' }, { path: pathOf(url), method: 'GET', sign: false });
    assert.equal(two.MessageId, one.MessageId);
    const [m] = await receive(url, { 'AttributeName.1': 'MessageDeduplicationId' });
    assert.equal(entriesOf(m.Attribute).MessageDeduplicationId, createHash('sha256').update('same').digest('hex'));
  });
});

describe('query ⇄ JSON protocol', () => {
  const attrs: Record<string, Attr> = {
    s: { DataType: 'String', StringValue: 'text <&> é' },
    n: { DataType: 'Number', StringValue: '-12.50' },
    b: { DataType: 'Binary', BinaryValue: Buffer.from([0, 255, 1, 254, 0x0d, 0x0a]) },
    'x.y': { DataType: 'String.label', StringValue: 'labelled' },
  };
  const body = 'cross \u00e9\u{1F600} <b>&amp;</b>\r\n\ttab';
  const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793';

  test('a message sent through the query protocol is received identically through SDK v3 (JSON)', async () => {
    const url = await newQueue('to-json');
    assert.equal((await sqs.send(new GetQueueUrlCommand({ QueueName: nameOf(url) }))).QueueUrl, url);
    const sent = await call('SendMessage', {
      QueueUrl: url, MessageBody: body, ...attributeParams(attrs),
      ...attributeParams({ AWSTraceHeader: { DataType: 'String', StringValue: trace } }, '', 'MessageSystemAttribute'),
    });
    const out = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: url, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'], VisibilityTimeout: 600,
    }));
    const m = out.Messages![0]!;
    assert.equal(m.MessageId, sent.MessageId);
    assert.equal(m.Body, body);
    assert.equal(m.MD5OfBody, sent.MD5OfMessageBody);
    assert.equal(m.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
    assert.equal(m.MD5OfMessageAttributes, md5OfAttributes(attrs));
    assert.deepEqual(Object.keys(m.MessageAttributes!).sort(), Object.keys(attrs).sort());
    for (const [name, a] of Object.entries(attrs)) {
      const got = m.MessageAttributes![name]!;
      assert.equal(got.DataType, a.DataType, name);
      if (a.BinaryValue) assert.deepEqual(Buffer.from(got.BinaryValue!), a.BinaryValue, name);
      else assert.equal(got.StringValue, a.StringValue, name);
    }
    assert.equal(m.Attributes!.AWSTraceHeader, trace);
    assert.equal(m.Attributes!.SenderId, 'test');
    assert.equal(m.Attributes!.ApproximateReceiveCount, '1');
    // The JSON receipt handle deletes through the query protocol.
    await call('DeleteMessage', { QueueUrl: url, ReceiptHandle: m.ReceiptHandle! });
    assert.equal(await approximate(url, 'ApproximateNumberOfMessagesNotVisible'), '0');
  });

  test('a message sent through SDK v3 (JSON) is received identically through the query protocol', async () => {
    const name = uniqueName('sqsq-from-json');
    const { QueueUrl: url } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    assert.equal((await call('GetQueueUrl', { QueueName: name })).QueueUrl, url);
    const sent = await sqs.send(new SendMessageCommand({
      QueueUrl: url, MessageBody: body,
      MessageAttributes: Object.fromEntries(Object.entries(attrs).map(([k, a]) => [k, a.BinaryValue ? { DataType: a.DataType, BinaryValue: new Uint8Array(a.BinaryValue) } : { DataType: a.DataType, StringValue: a.StringValue! }])),
      MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: trace } },
    }));
    assert.equal(sent.MD5OfMessageAttributes, md5OfAttributes(attrs));
    const [m] = await receive(url!, { 'AttributeName.1': 'All', 'MessageAttributeName.1': 'All', VisibilityTimeout: 600 }, { method: 'GET', sign: false });
    assert.equal(m.MessageId, sent.MessageId);
    assert.equal(m.Body, body);
    assert.equal(m.MD5OfBody, sent.MD5OfMessageBody);
    assert.equal(m.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
    const got = entriesOf(m.MessageAttribute);
    for (const [k, a] of Object.entries(attrs)) {
      assert.deepEqual(got[k], a.BinaryValue ? { BinaryValue: a.BinaryValue.toString('base64'), DataType: a.DataType } : { StringValue: a.StringValue, DataType: a.DataType }, k);
    }
    const system = entriesOf(m.Attribute);
    assert.equal(system.AWSTraceHeader, trace);
    assert.equal(system.SenderId, 'test');
    // The query receipt handle deletes through SDK v3.
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    const counts = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    assert.deepEqual(counts.Attributes, { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  });

  test('FIFO across protocols: one group, one order, the same SequenceNumbers', async () => {
    const url = await newQueue('fifo-cross', { FifoQueue: 'true' });
    const viaQuery = await call('SendMessage', { QueueUrl: url, MessageBody: 'q1', MessageGroupId: 'g', MessageDeduplicationId: 'q1' });
    const viaJson = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'j1', MessageGroupId: 'g', MessageDeduplicationId: 'j1' }));
    const dupViaJson = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'q1', MessageGroupId: 'g', MessageDeduplicationId: 'q1' }));
    assert.equal(dupViaJson.MessageId, viaQuery.MessageId, 'dedup spans protocols');
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['SequenceNumber'] }));
    assert.deepEqual(out.Messages?.map((m) => [m.Body, m.Attributes?.SequenceNumber]), [['q1', viaQuery.SequenceNumber], ['j1', viaJson.SequenceNumber]]);
  });

  test('errors name the same failure in both protocols', async () => {
    const missing = `${srv.url}/${ACCOUNT}/${uniqueName('sqsq-gone')}`;
    expectQueryError(await q('GetQueueAttributes', { QueueUrl: missing, 'AttributeName.1': 'All' }), nonExistent);
    await assert.rejects(sqs.send(new GetQueueAttributesCommand({ QueueUrl: missing, AttributeNames: ['All'] })), { name: 'QueueDoesNotExist' });
  });
});

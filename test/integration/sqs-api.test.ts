// The SQS API through the real SDK v3 (AWS JSON 1.0 protocol, event-sources.md §5.2, §5.4–5.7): every operation,
// SQS's error codes, statuses and messages, MD5s, attribute filtering on receive, ListQueues paging, queue URL forms,
// and the raw JSON error shape (`__type`, `x-amzn-query-error`).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand, ChangeMessageVisibilityCommand, CreateQueueCommand, DeleteMessageBatchCommand,
  DeleteMessageCommand, DeleteQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ListDeadLetterSourceQueuesCommand, ListQueuesCommand,
  ListQueueTagsCommand, PurgeQueueCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand,
  SetQueueAttributesCommand, TagQueueCommand, UntagQueueCommand, type MessageAttributeValue, type QueueAttributeName,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { startServer, uniqueName } from '../helpers/server.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { ACCOUNT, resultOf, sqsClient, sqsQuery } from '../helpers/sqs.js';

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

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

async function newQueue(prefix = 'sqs-api', attributes: Record<string, string> = {}): Promise<string> {
  const name = uniqueName(prefix);
  const out = await sqs.send(new CreateQueueCommand({ QueueName: attributes.FifoQueue ? `${name}.fifo` : name, Attributes: attributes }));
  return out.QueueUrl!;
}

/** A raw AWS JSON 1.0 request, to see exactly what the wire carries. */
async function rawJson(target: string | undefined, body: unknown): Promise<{ status: number; headers: Headers; json: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.0' };
  if (target) headers['x-amz-target'] = target;
  const res = await fetch(`${srv.url}/`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, json: await res.json() };
}

const notExist = { name: 'QueueDoesNotExist', status: 400, message: 'The specified queue does not exist.' };

describe('queues', () => {
  test('CreateQueue answers <endpoint>/<account>/<name>; again with the same attributes is the same queue', async () => {
    const name = uniqueName('sqs-create');
    const first = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '45' } }));
    assert.equal(first.QueueUrl, `${srv.url}/${ACCOUNT}/${name}`);
    const again = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '45' } }));
    assert.equal(again.QueueUrl, first.QueueUrl);
    await expectAwsError(sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '46' } })), {
      name: 'QueueNameExists', status: 400, message: /VisibilityTimeout/,
    });
  });

  test('CreateQueue refuses a missing name, a bad name and unknown or invalid attributes', async () => {
    await expectAwsError(sqs.send(new CreateQueueCommand({} as never)), {
      name: 'MissingParameter', status: 400, message: 'The request must contain the parameter QueueName.',
    });
    await expectAwsError(sqs.send(new CreateQueueCommand({ QueueName: 'bad name!' })), { name: 'InvalidParameterValue', status: 400 });
    await expectAwsError(sqs.send(new CreateQueueCommand({ QueueName: uniqueName('sqs-attr'), Attributes: { Bogus: '1' } as never })), {
      name: 'InvalidAttributeName', status: 400, message: 'Unknown Attribute Bogus.',
    });
    await expectAwsError(sqs.send(new CreateQueueCommand({ QueueName: uniqueName('sqs-attr'), Attributes: { DelaySeconds: '901' } })), {
      name: 'InvalidAttributeValue', status: 400,
    });
  });

  test('GetQueueUrl by name, with QueueOwnerAWSAccountId, and QueueDoesNotExist', async () => {
    const url = await newQueue('sqs-geturl');
    const name = url.split('/').pop()!;
    assert.equal((await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl, url);
    assert.equal((await sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: ACCOUNT }))).QueueUrl, url);
    await expectAwsError(sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: '111111111111' })), notExist);
    await expectAwsError(sqs.send(new GetQueueUrlCommand({ QueueName: uniqueName('sqs-missing') })), notExist);
  });

  test('ListQueues filters by prefix and pages only when MaxResults is given', async () => {
    const prefix = uniqueName('sqs-list');
    const names = ['a', 'b', 'c', 'd', 'e'].map((s) => `${prefix}-${s}`);
    for (const n of names) await sqs.send(new CreateQueueCommand({ QueueName: n }));
    const all = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }));
    assert.deepEqual(all.QueueUrls, names.map((n) => `${srv.url}/${ACCOUNT}/${n}`));
    assert.equal(all.NextToken, undefined);

    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 2, ...(token ? { NextToken: token } : {}) }));
      pages.push(page.QueueUrls ?? []);
      token = page.NextToken;
      assert.ok(pages.length <= 3, 'paging does not end');
    } while (token);
    assert.deepEqual(pages.map((p) => p.length), [2, 2, 1]);
    assert.deepEqual(pages.flat(), all.QueueUrls);

    const exact = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 5 }));
    assert.equal(exact.QueueUrls?.length, 5);
    assert.equal(exact.NextToken, undefined, 'no NextToken when nothing is left');
    const none = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: `${prefix}-zzz` }));
    assert.equal(none.QueueUrls, undefined);
    for (const max of [0, 1001]) {
      await expectAwsError(sqs.send(new ListQueuesCommand({ MaxResults: max })), { name: 'InvalidParameterValue', status: 400, message: /MaxResults/ });
    }
    await expectAwsError(sqs.send(new ListQueuesCommand({ MaxResults: 1, NextToken: 'not-a-token' })), { name: 'InvalidParameterValue', status: 400 });
  });

  test('DeleteQueue removes the queue; using it afterwards is QueueDoesNotExist', async () => {
    const url = await newQueue('sqs-delete');
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    await expectAwsError(sqs.send(new GetQueueUrlCommand({ QueueName: url.split('/').pop()! })), notExist);
    await expectAwsError(sqs.send(new DeleteQueueCommand({ QueueUrl: url })), notExist);
    await expectAwsError(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' })), notExist);
  });

  test('Get/SetQueueAttributes: All, named attributes, InvalidAttributeName, MissingParameter', async () => {
    const url = await newQueue('sqs-attrs');
    const none = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url }));
    assert.equal(none.Attributes, undefined);
    const all = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
    assert.equal(all.VisibilityTimeout, '30');
    assert.equal(all.QueueArn, `arn:aws:sqs:us-east-1:${ACCOUNT}:${url.split('/').pop()}`);
    assert.equal(all.ApproximateNumberOfMessages, '0');
    assert.match(all.CreatedTimestamp!, /^\d{10}$/);

    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '60', DelaySeconds: '2' } }));
    const some = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout', 'DelaySeconds'] }));
    assert.deepEqual(some.Attributes, { VisibilityTimeout: '60', DelaySeconds: '2' });

    await expectAwsError(sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Bogus' as QueueAttributeName] })), {
      name: 'InvalidAttributeName', status: 400, message: 'Unknown Attribute Bogus.',
    });
    await expectAwsError(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Bogus: '1' } as never })), {
      name: 'InvalidAttributeName', status: 400,
    });
    await expectAwsError(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url } as never)), {
      name: 'MissingParameter', status: 400, message: 'The request must contain the parameter Attributes.',
    });
    await expectAwsError(sqs.send(new GetQueueAttributesCommand({} as never)), {
      name: 'MissingParameter', status: 400, message: 'The request must contain the parameter QueueUrl.',
    });
  });

  test('PurgeQueue empties the queue; a second purge within 60 s is PurgeQueueInProgress (403)', async () => {
    const url = await newQueue('sqs-purge');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'one' }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }));
    assert.equal(attrs.Attributes?.ApproximateNumberOfMessages, '0');
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
    await expectAwsError(sqs.send(new PurgeQueueCommand({ QueueUrl: url })), { name: 'PurgeQueueInProgress', status: 403 });
  });

  test('ListDeadLetterSourceQueues lists the queues whose RedrivePolicy names the queue, in both protocols', async () => {
    const dlqUrl = await newQueue('sqs-dlq');
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const redrive = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 });
    const sources = [await newQueue('sqs-src-a', { RedrivePolicy: redrive }), await newQueue('sqs-src-b', { RedrivePolicy: redrive })];
    await newQueue('sqs-src-none');
    const all = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl }));
    assert.deepEqual(all.queueUrls, sources);
    const first = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl, MaxResults: 1 }));
    assert.deepEqual(first.queueUrls, [sources[0]]);
    const second = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl, MaxResults: 1, NextToken: first.NextToken! }));
    assert.deepEqual(second.queueUrls, [sources[1]]);
    assert.equal(second.NextToken, undefined);
    assert.deepEqual((await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: sources[0] }))).queueUrls, []);
    const query = await sqsQuery(srv.url, 'ListDeadLetterSourceQueues', { QueueUrl: dlqUrl });
    assert.deepEqual(resultOf(query, 'ListDeadLetterSourceQueues').QueueUrl, sources);
  });
});

describe('tags', () => {
  test('CreateQueue tags, TagQueue, UntagQueue, ListQueueTags', async () => {
    const name = uniqueName('sqs-tags');
    const { QueueUrl: url } = await sqs.send(new CreateQueueCommand({ QueueName: name, tags: { team: 'a', env: 'dev' } }));
    assert.deepEqual((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags, { team: 'a', env: 'dev' });
    await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { team: 'b', cost: '42' } }));
    assert.deepEqual((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags, { team: 'b', env: 'dev', cost: '42' });
    await sqs.send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ['team', 'env', 'cost'] }));
    assert.equal((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags, undefined);
    await expectAwsError(sqs.send(new TagQueueCommand({ QueueUrl: url } as never)), {
      name: 'MissingParameter', status: 400, message: 'The request must contain the parameter Tags.',
    });
    await expectAwsError(sqs.send(new UntagQueueCommand({ QueueUrl: url } as never)), {
      name: 'MissingParameter', status: 400, message: 'The request must contain the parameter TagKeys.',
    });
  });
});

describe('send and receive', () => {
  test('MD5OfMessageBody and MD5OfMessageAttributes match AWS vectors, and come back on receive', async () => {
    const url = await newQueue('sqs-md5');
    const sent = await sqs.send(new SendMessageCommand({
      QueueUrl: url, MessageBody: 'hello', MessageAttributes: { timestamp: { DataType: 'Number', StringValue: '1493147359900' } },
    }));
    assert.equal(sent.MD5OfMessageBody, '5d41402abc4b2a76b9719d911017c592');
    assert.equal(sent.MD5OfMessageAttributes, '235c5c510d26fb653d073faed50ae77c');
    assert.match(sent.MessageId!, /^[0-9a-f-]{36}$/);
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ['All'] }));
    const m = got.Messages![0]!;
    assert.equal(m.MessageId, sent.MessageId);
    assert.equal(m.Body, 'hello');
    assert.equal(m.MD5OfBody, '5d41402abc4b2a76b9719d911017c592');
    assert.equal(m.MD5OfMessageAttributes, '235c5c510d26fb653d073faed50ae77c');
    assert.deepEqual(m.MessageAttributes, { timestamp: { DataType: 'Number', StringValue: '1493147359900' } });
  });

  test('binary attributes, AWSTraceHeader and non-ASCII bodies round-trip', async () => {
    const url = await newQueue('sqs-binary');
    const body = 'h\u00e9llo \u{1F600}\r\nline\ttab';
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const sent = await sqs.send(new SendMessageCommand({
      QueueUrl: url, MessageBody: body,
      MessageAttributes: { blob: { DataType: 'Binary', BinaryValue: bytes }, 'label.x': { DataType: 'String.custom', StringValue: 'v' } },
      MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793' } },
    }));
    assert.equal(sent.MD5OfMessageBody, md5(body));
    assert.match(sent.MD5OfMessageSystemAttributes!, /^[0-9a-f]{32}$/);
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['AWSTraceHeader'] }));
    const m = got.Messages![0]!;
    assert.equal(m.Body, body);
    assert.deepEqual(Buffer.from(m.MessageAttributes!.blob!.BinaryValue!), Buffer.from(bytes));
    assert.equal(m.MessageAttributes!['label.x']!.DataType, 'String.custom');
    assert.equal(m.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
    assert.deepEqual(m.Attributes, { AWSTraceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793' });
  });

  test('SendMessage errors: MissingParameter, InvalidMessageContents, InvalidParameterValue', async () => {
    const url = await newQueue('sqs-send-err');
    await expectAwsError(sqs.send(new SendMessageCommand({ QueueUrl: url } as never)), {
      name: 'MissingParameter', status: 400, message: 'The request must contain the parameter MessageBody.',
    });
    await expectAwsError(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'bad \u0001 char' })), { name: 'InvalidMessageContents', status: 400 });
    await expectAwsError(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', DelaySeconds: 901 })), {
      name: 'InvalidParameterValue', status: 400, message: /DelaySeconds/,
    });
    await expectAwsError(sqs.send(new SendMessageCommand({
      QueueUrl: url, MessageBody: 'x', MessageAttributes: { a: { DataType: 'Binary', StringValue: 'text, not bytes' } },
    })), { name: 'InvalidParameterValue', status: 400, message: /attribute 'a' must contain a non-empty message attribute value/ });
  });

  test('ReceiveMessage returns only the system attributes asked for (MessageSystemAttributeNames or AttributeNames)', async () => {
    const url = await newQueue('sqs-sysattrs');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a' }));
    const receive = async (extra: Record<string, unknown>) => {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0, ...extra }));
      return out.Messages![0]!;
    };
    assert.equal((await receive({})).Attributes, undefined);
    assert.deepEqual(Object.keys((await receive({ MessageSystemAttributeNames: ['SentTimestamp'] })).Attributes!), ['SentTimestamp']);
    assert.deepEqual(Object.keys((await receive({ AttributeNames: ['ApproximateReceiveCount', 'SenderId'] })).Attributes!).sort(), ['ApproximateReceiveCount', 'SenderId']);
    const all = (await receive({ MessageSystemAttributeNames: ['All'] })).Attributes!;
    assert.deepEqual(Object.keys(all).sort(), ['ApproximateFirstReceiveTimestamp', 'ApproximateReceiveCount', 'SenderId', 'SentTimestamp']);
    assert.equal(all.ApproximateReceiveCount, '4');
    assert.equal(all.SenderId, 'test');
    assert.match(all.SentTimestamp!, /^\d{13}$/);
  });

  test('ReceiveMessage narrows message attributes by All, .*, prefix.* and names, with the MD5 of what it returns', async () => {
    const url = await newQueue('sqs-msgattrs');
    const attrs: Record<string, MessageAttributeValue> = {
      'order.id': { DataType: 'String', StringValue: '17' },
      'order.total': { DataType: 'Number', StringValue: '9.5' },
      other: { DataType: 'String', StringValue: 'x' },
    };
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a', MessageAttributes: attrs }));
    const receive = async (names?: string[]) => {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0, ...(names ? { MessageAttributeNames: names } : {}) }));
      return out.Messages![0]!;
    };
    const none = await receive();
    assert.equal(none.MessageAttributes, undefined);
    assert.equal(none.MD5OfMessageAttributes, undefined);
    for (const names of [['All'], ['.*']]) {
      const m = await receive(names);
      assert.deepEqual(Object.keys(m.MessageAttributes!).sort(), ['order.id', 'order.total', 'other']);
      assert.equal(m.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
    }
    const prefixed = await receive(['order.*']);
    assert.deepEqual(Object.keys(prefixed.MessageAttributes!).sort(), ['order.id', 'order.total']);
    const onlyOther = await receive(['other', 'missing']);
    assert.deepEqual(onlyOther.MessageAttributes, { other: { DataType: 'String', StringValue: 'x' } });
    // The MD5 covers the returned subset: the same as sending that subset alone.
    const solo = await sqs.send(new SendMessageCommand({ QueueUrl: await newQueue('sqs-msgattrs2'), MessageBody: 'a', MessageAttributes: { other: attrs.other! } }));
    assert.equal(onlyOther.MD5OfMessageAttributes, solo.MD5OfMessageAttributes);
    assert.notEqual(onlyOther.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
    assert.equal((await receive(['nothing.*'])).MessageAttributes, undefined);
  });

  test('ReceiveMessage range checks: MaxNumberOfMessages 1–10, WaitTimeSeconds 0–20, VisibilityTimeout 0–43200', async () => {
    const url = await newQueue('sqs-ranges');
    const cases: [Record<string, number>, RegExp][] = [
      [{ MaxNumberOfMessages: 0 }, /MaxNumberOfMessages.*between 1 and 10/],
      [{ MaxNumberOfMessages: 11 }, /MaxNumberOfMessages/],
      [{ WaitTimeSeconds: 21 }, /WaitTimeSeconds/],
      [{ WaitTimeSeconds: -1 }, /WaitTimeSeconds/],
      [{ VisibilityTimeout: 43_201 }, /VisibilityTimeout/],
    ];
    for (const [extra, message] of cases) {
      await expectAwsError(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, ...extra })), { name: 'InvalidParameterValue', status: 400, message });
    }
  });

  test('ReceiveMessage takes up to MaxNumberOfMessages and hides them for VisibilityTimeout', async () => {
    const url = await newQueue('sqs-receive');
    for (let i = 0; i < 5; i++) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `m${i}` }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 3, VisibilityTimeout: 600 }));
    assert.equal(first.Messages?.length, 3);
    const rest = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }));
    assert.equal(rest.Messages?.length, 2);
    const bodies = [...first.Messages!, ...rest.Messages!].map((m) => m.Body).sort();
    assert.deepEqual(bodies, ['m0', 'm1', 'm2', 'm3', 'm4']);
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
  });

  test('long polling: WaitTimeSeconds (or the queue default) waits, and a send ends the wait', async () => {
    const url = await newQueue('sqs-longpoll', { ReceiveMessageWaitTimeSeconds: '1' });
    let started = Date.now();
    const empty = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    const waited = Date.now() - started;
    assert.equal(empty.Messages, undefined);
    assert.ok(waited >= 900 && waited < 5000, `queue default wait of 1 s took ${waited} ms`);

    started = Date.now();
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 0 }))).Messages, undefined);
    assert.ok(Date.now() - started < 900, 'WaitTimeSeconds 0 overrides the queue default');

    started = Date.now();
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'wake' }));
    const got = await polling;
    assert.equal(got.Messages?.[0]?.Body, 'wake');
    assert.ok(Date.now() - started < 10_000, 'the long poll ended when the message arrived');
  });

  test('FIFO redrive: the group head moves to the dead-letter queue and the next message of its group is delivered', async () => {
    const dlqUrl = await newQueue('sqs-fifo-dlq', { FifoQueue: 'true' });
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const url = await newQueue('sqs-fifo-src', {
      FifoQueue: 'true', VisibilityTimeout: '0', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }),
    });
    for (const body of ['m1', 'm2']) {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: 'G', MessageDeduplicationId: body }));
    }
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1 }));
    assert.equal(first.Messages?.[0]?.Body, 'm1');
    const second = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    assert.deepEqual(second.Messages?.map((m) => m.Body), ['m2']);
    const moved = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10 }));
    assert.deepEqual(moved.Messages?.map((m) => m.Body), ['m1']);
    const counts = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    assert.deepEqual(counts.Attributes, { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '1' });
  });

  test('FIFO: SequenceNumber on send, group and dedup attributes on receive', async () => {
    const url = await newQueue('sqs-fifo', { FifoQueue: 'true' });
    const a = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }));
    const dup = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }));
    assert.match(a.SequenceNumber!, /^\d{20}$/);
    assert.equal(dup.MessageId, a.MessageId);
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] }));
    assert.equal(got.Messages?.length, 1);
    const attrs = got.Messages![0]!.Attributes!;
    assert.equal(attrs.MessageGroupId, 'g');
    assert.equal(attrs.MessageDeduplicationId, 'd1');
    assert.equal(attrs.SequenceNumber, a.SequenceNumber);
    await expectAwsError(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'b', MessageDeduplicationId: 'd2' })), {
      name: 'MissingParameter', status: 400, message: 'The request must contain the parameter MessageGroupId.',
    });
  });
});

describe('batches', () => {
  test('SendMessageBatch: Successful entries with MD5s, Failed entries for bad messages', async () => {
    const url = await newQueue('sqs-batch');
    const out = await sqs.send(new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: [
        { Id: 'ok-1', MessageBody: 'hello' },
        { Id: 'ok_2', MessageBody: 'hello', MessageAttributes: { timestamp: { DataType: 'Number', StringValue: '1493147359900' } } },
        { Id: 'bad', MessageBody: 'x', DelaySeconds: 1000 },
      ],
    }));
    assert.deepEqual(out.Successful!.map((e) => e.Id), ['ok-1', 'ok_2']);
    assert.equal(out.Successful![0]!.MD5OfMessageBody, '5d41402abc4b2a76b9719d911017c592');
    assert.equal(out.Successful![1]!.MD5OfMessageAttributes, '235c5c510d26fb653d073faed50ae77c');
    assert.equal(out.Failed!.length, 1);
    assert.deepEqual({ ...out.Failed![0], Message: undefined }, { Id: 'bad', SenderFault: true, Code: 'InvalidParameterValue', Message: undefined });
    assert.match(out.Failed![0]!.Message!, /DelaySeconds/);
  });

  test('batch request errors: Empty, TooMany, IdsNotDistinct, InvalidBatchEntryId, MissingParameter', async () => {
    const url = await newQueue('sqs-batch-err');
    const send = (Entries: { Id: string; MessageBody: string }[]) => sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries }));
    await expectAwsError(send([]), {
      name: 'EmptyBatchRequest', status: 400, message: 'There should be at least one SendMessageBatchRequestEntry in the request.',
    });
    const eleven = Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' }));
    await expectAwsError(send(eleven), {
      name: 'TooManyEntriesInBatchRequest', status: 400, message: 'Maximum number of entries per request are 10. You have sent 11.',
    });
    await expectAwsError(send([{ Id: 'a', MessageBody: 'x' }, { Id: 'a', MessageBody: 'y' }]), {
      name: 'BatchEntryIdsNotDistinct', status: 400, message: 'Id a repeated.',
    });
    for (const id of ['has space', 'x'.repeat(81), '']) {
      await expectAwsError(send([{ Id: id, MessageBody: 'x' }]), { name: 'InvalidBatchEntryId', status: 400, message: /alphanumeric characters, hyphens and underscores/ });
    }
    await expectAwsError(sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url } as never)), {
      name: 'MissingParameter', status: 400, message: 'The request must contain the parameter Entries.',
    });
    await expectAwsError(sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: [] })), {
      name: 'EmptyBatchRequest', status: 400, message: 'There should be at least one DeleteMessageBatchRequestEntry in the request.',
    });
    await expectAwsError(sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: eleven.map((e) => ({ Id: e.Id, ReceiptHandle: 'x', VisibilityTimeout: 1 })) })), {
      name: 'TooManyEntriesInBatchRequest', status: 400,
    });
  });

  test('DeleteMessageBatch and ChangeMessageVisibilityBatch answer per entry', async () => {
    const url = await newQueue('sqs-batch-del');
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: '1', MessageBody: 'a' }, { Id: '2', MessageBody: 'b' }] }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }));
    assert.equal(got.Messages?.length, 2);
    const [m1, m2] = got.Messages!;

    const changed = await sqs.send(new ChangeMessageVisibilityBatchCommand({
      QueueUrl: url,
      Entries: [{ Id: 'c1', ReceiptHandle: m1!.ReceiptHandle!, VisibilityTimeout: 0 }, { Id: 'c2', ReceiptHandle: 'garbage', VisibilityTimeout: 0 }],
    }));
    assert.deepEqual(changed.Successful, [{ Id: 'c1' }]);
    assert.equal(changed.Failed?.[0]?.Id, 'c2');
    assert.equal(changed.Failed?.[0]?.Code, 'ReceiptHandleIsInvalid');
    assert.equal(changed.Failed?.[0]?.SenderFault, true);

    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 600 }));
    assert.equal(again.Messages?.[0]?.MessageId, m1!.MessageId, 'visibility 0 made the message visible again');

    const deleted = await sqs.send(new DeleteMessageBatchCommand({
      QueueUrl: url,
      Entries: [{ Id: 'd1', ReceiptHandle: again.Messages![0]!.ReceiptHandle! }, { Id: 'd2', ReceiptHandle: m2!.ReceiptHandle! }, { Id: 'd3', ReceiptHandle: 'garbage' }],
    }));
    assert.deepEqual(deleted.Successful?.map((e) => e.Id), ['d1', 'd2']);
    assert.deepEqual(deleted.Failed?.map((e) => [e.Id, e.Code, e.SenderFault]), [['d3', 'ReceiptHandleIsInvalid', true]]);
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    assert.equal(attrs.Attributes?.ApproximateNumberOfMessages, '0');
    assert.equal(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible, '0');
  });
});

describe('DeleteMessage and ChangeMessageVisibility', () => {
  test('delete by receipt handle; a malformed handle is ReceiptHandleIsInvalid (404); a stale one succeeds', async () => {
    const url = await newQueue('sqs-del');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    const first = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0 }))).Messages![0]!;
    const second = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 600 }))).Messages![0]!;
    assert.notEqual(first.ReceiptHandle, second.ReceiptHandle);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.ReceiptHandle! }));
    assert.equal((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }))).Attributes?.ApproximateNumberOfMessagesNotVisible, '1');
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second.ReceiptHandle! }));
    assert.equal((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }))).Attributes?.ApproximateNumberOfMessagesNotVisible, '0');

    await expectAwsError(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'garbage' })), {
      name: 'ReceiptHandleIsInvalid', status: 404, message: 'The input receipt handle "garbage" is not a valid receipt handle.',
    });
    await expectAwsError(sqs.send(new DeleteMessageCommand({ QueueUrl: url } as never)), {
      name: 'MissingParameter', status: 400, message: 'The request must contain the parameter ReceiptHandle.',
    });
  });

  test('ChangeMessageVisibility: 0 makes the message visible now; errors for bad handles and missing timeout', async () => {
    const url = await newQueue('sqs-vis');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    const m = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 600 }))).Messages![0]!;
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 }));
    const again = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 600 }))).Messages![0]!;
    assert.equal(again.MessageId, m.MessageId);
    await expectAwsError(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: 'garbage', VisibilityTimeout: 1 })), {
      name: 'ReceiptHandleIsInvalid', status: 404,
    });
    await expectAwsError(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: again.ReceiptHandle! } as never)), {
      name: 'MissingParameter', status: 400, message: 'The request must contain the parameter VisibilityTimeout.',
    });
    await expectAwsError(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: again.ReceiptHandle!, VisibilityTimeout: 43_201 })), {
      name: 'InvalidParameterValue', status: 400,
    });
  });
});

describe('queue URLs', () => {
  test('any host, AWS and legacy forms resolve by path; a URL without /<account>/<name> is InvalidAddress', async () => {
    const url = await newQueue('sqs-urls');
    const name = url.split('/').pop()!;
    for (const form of [
      `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${name}`,
      `https://queue.amazonaws.com/${ACCOUNT}/${name}`,
      `https://us-east-1.queue.amazonaws.com/${ACCOUNT}/${name}`,
      `http://localhost:1/${ACCOUNT}/${name}`,
    ]) {
      const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: form, AttributeNames: ['QueueArn'] }));
      assert.match(out.Attributes!.QueueArn!, new RegExp(`:${name}$`), form);
    }
    for (const bad of ['not a url', `${srv.url}/`, `${srv.url}/${ACCOUNT}/${name}/extra`]) {
      await expectAwsError(sqs.send(new SendMessageCommand({ QueueUrl: bad, MessageBody: 'x' })), { name: 'InvalidAddress', status: 404, message: /is not valid for this endpoint/ });
    }
    await expectAwsError(sqs.send(new SendMessageCommand({ QueueUrl: `${srv.url}/${ACCOUNT}/${name}-nope`, MessageBody: 'x' })), notExist);
  });
});

describe('JSON wire format', () => {
  test('success: application/x-amz-json-1.0 with x-amzn-RequestId; no-output operations answer {}', async () => {
    const name = uniqueName('sqs-raw');
    const created = await rawJson('AmazonSQS.CreateQueue', { QueueName: name });
    assert.equal(created.status, 200);
    assert.equal(created.headers.get('content-type'), 'application/x-amz-json-1.0');
    assert.match(created.headers.get('x-amzn-requestid') ?? '', /^[0-9a-f-]{36}$/);
    assert.deepEqual(created.json, { QueueUrl: `${srv.url}/${ACCOUNT}/${name}` });
    const tagged = await rawJson('AmazonSQS.TagQueue', { QueueUrl: created.json.QueueUrl, Tags: { a: 'b' } });
    assert.deepEqual([tagged.status, tagged.json], [200, {}]);
  });

  test('errors: __type com.amazonaws.sqs#<Code>, message, and x-amzn-query-error <query code>;Sender', async () => {
    const missing = await rawJson('AmazonSQS.GetQueueUrl', { QueueName: uniqueName('sqs-none') });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.json, { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' });
    assert.equal(missing.headers.get('x-amzn-query-error'), 'AWS.SimpleQueueService.NonExistentQueue;Sender');
    assert.equal(missing.headers.get('content-type'), 'application/x-amz-json-1.0');

    const invalid = await rawJson('AmazonSQS.DeleteMessage', { QueueUrl: (await rawJson('AmazonSQS.CreateQueue', { QueueName: uniqueName('sqs-rh') })).json.QueueUrl, ReceiptHandle: 'zz' });
    assert.equal(invalid.status, 404);
    assert.equal(invalid.json.__type, 'com.amazonaws.sqs#ReceiptHandleIsInvalid');
    assert.equal(invalid.headers.get('x-amzn-query-error'), 'ReceiptHandleIsInvalid;Sender');

    const unknown = await rawJson('AmazonSQS.NoSuchOperation', {});
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json.__type, 'com.amazonaws.sqs#UnknownOperationException');
    assert.equal(unknown.headers.get('x-amzn-query-error'), 'InvalidAction;Sender');

    const notJson = await fetch(`${srv.url}/`, { method: 'POST', headers: { 'x-amz-target': 'AmazonSQS.ListQueues', 'content-type': 'application/x-amz-json-1.0' }, body: '{nope' });
    assert.equal(notJson.status, 400);
    assert.equal((await notJson.json()).__type, 'com.amazonaws.sqs#SerializationException');

    const wrongType = await rawJson('AmazonSQS.ListQueues', { MaxResults: 'ten' });
    assert.equal(wrongType.status, 400);
    assert.equal(wrongType.json.__type, 'com.amazonaws.sqs#InvalidParameterValue');
  });

  test('a body far over the largest valid request is refused before it is read (413)', async () => {
    const res = await fetch(`${srv.url}/`, {
      method: 'POST', headers: { 'x-amz-target': 'AmazonSQS.SendMessage', 'content-type': 'application/x-amz-json-1.0' },
      body: Buffer.alloc(4 * 1024 * 1024, 0x20),
    });
    assert.equal(res.status, 413);
    assert.equal((await res.json()).__type, 'com.amazonaws.sqs#RequestEntityTooLarge');
  });

  test('the largest valid message (1 MiB) is accepted', async () => {
    const url = await newQueue('sqs-big');
    const body = 'x'.repeat(1_048_576);
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    assert.equal(sent.MD5OfMessageBody, md5(body));
    await expectAwsError(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `${body}x` })), {
      name: 'InvalidParameterValue', status: 400, message: /shorter than 1048576 bytes/,
    });
  });
});

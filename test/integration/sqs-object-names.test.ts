// SQS names that are JavaScript object members (`constructor`, `__proto__`, `toString`, ...): unknown queue
// attributes are refused, and a message attribute of such a name is kept like any other (SendMessage through the
// JSON protocol, ReceiveMessage through the query protocol so no client-side map reader is involved).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { CreateQueueCommand, ListQueuesCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { expectAwsError } from '../helpers/aws-errors.js';
import { startServer, tempDir, uniqueName } from '../helpers/server.js';
import { sqsClient, sqsQuery } from '../helpers/sqs.js';

let srv: Awaited<ReturnType<typeof startServer>>;
let sqs: SQSClient;
const dataDir = tempDir();
before(async () => {
  srv = await startServer({ spareRuntimes: 0, dataDir });
  sqs = sqsClient(srv.url);
});
after(async () => {
  sqs?.destroy();
  await srv?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('object member names', () => {
  test('CreateQueue refuses them as attribute names and creates nothing', async () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const queue = uniqueName('q');
      await expectAwsError(sqs.send(new CreateQueueCommand({ QueueName: queue, Attributes: { [name]: '5' } as Record<string, string> })),
        { name: 'InvalidAttributeName', status: 400, message: `Unknown Attribute ${name}.` });
      const urls = (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: queue }))).QueueUrls ?? [];
      assert.deepEqual(urls, []);
    }
  });

  test('a message attribute named __proto__ is stored and received', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('q') }));
    const attrs = JSON.parse('{"__proto__": {"DataType": "String", "StringValue": "p"}, "constructor": {"DataType": "Number", "StringValue": "7"}}');
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'm', MessageAttributes: attrs }));
    const got = await sqsQuery(srv.url, 'ReceiveMessage', { QueueUrl: QueueUrl!, 'MessageAttributeName.1': 'All', WaitTimeSeconds: 1 });
    assert.equal(got.status, 200);
    assert.match(got.text, /<Name>__proto__<\/Name><Value><StringValue>p<\/StringValue><DataType>String<\/DataType><\/Value>/);
    assert.match(got.text, /<Name>constructor<\/Name><Value><StringValue>7<\/StringValue><DataType>Number<\/DataType><\/Value>/);
  });
});

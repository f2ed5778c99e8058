// Resource-based policies through the real SDK v3 (lambda-api.md §5 AddPermission / RemovePermission / GetPolicy,
// invocation-semantics.md §8): statement shapes, the policy document, RevisionId checks, AWS's errors, and the
// policy's life with the function (restart, DeleteFunction).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  AddPermissionCommand, DeleteFunctionCommand, GetFunctionCommand, GetPolicyCommand, InvokeCommand, RemovePermissionCommand, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { deploy } from '../helpers/functions.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { startServer, tempDir } from '../helpers/server.js';

const ACCOUNT = '000000000000';
const fnArn = (name: string, qualifier?: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
const CODE = { 'index.mjs': 'export const handler = async () => 1;' };

let srv: Awaited<ReturnType<typeof startServer>>;
let lambda: LambdaClient;
before(async () => {
  srv = await startServer({ spareRuntimes: 0 });
  lambda = srv.lambda;
});
after(() => srv?.close());

async function policyOf(fn: string): Promise<{ doc: any; revisionId: string }> {
  const got = await lambda.send(new GetPolicyCommand({ FunctionName: fn }));
  return { doc: JSON.parse(got.Policy!), revisionId: got.RevisionId! };
}

describe('AddPermission and GetPolicy', () => {
  test('a service principal with SourceArn and SourceAccount → 201 and the statement as AWS writes it', async () => {
    const fn = await deploy(lambda, CODE);
    const out = await lambda.send(new AddPermissionCommand({
      FunctionName: fn, StatementId: 's3-photos', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com',
      SourceArn: 'arn:aws:s3:::photos', SourceAccount: ACCOUNT,
    }));
    assert.equal(out.$metadata.httpStatusCode, 201);
    assert.deepEqual(JSON.parse(out.Statement!), {
      Sid: 's3-photos', Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: fnArn(fn),
      Condition: { StringEquals: { 'AWS:SourceAccount': ACCOUNT }, ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::photos' } },
    });
    const { doc, revisionId } = await policyOf(fn);
    assert.deepEqual(Object.keys(doc), ['Version', 'Id', 'Statement']);
    assert.equal(doc.Version, '2012-10-17');
    assert.equal(doc.Id, 'default');
    assert.deepEqual(doc.Statement, [JSON.parse(out.Statement!)]);
    assert.match(revisionId, /^[0-9a-f-]{36}$/);
  });

  test('principals: an account becomes its root ARN, ARNs and * stay; conditions for org, token, URL auth type', async () => {
    const fn = await deploy(lambda, CODE);
    const add = (sid: string, principal: string, extra: Record<string, unknown> = {}) =>
      lambda.send(new AddPermissionCommand({ FunctionName: fn, StatementId: sid, Action: 'lambda:InvokeFunction', Principal: principal, ...extra }));
    await add('account', '111122223333');
    await add('role', 'arn:aws:iam::111122223333:role/caller');
    await add('anyone', '*', { PrincipalOrgID: 'o-abcdefghij' });
    await add('token', 'events.amazonaws.com', { EventSourceToken: 'tok-1' });
    await add('url', '*', { Action: 'lambda:InvokeFunctionUrl', FunctionUrlAuthType: 'NONE' });
    const { doc } = await policyOf(fn);
    const bySid = Object.fromEntries(doc.Statement.map((s: any) => [s.Sid, s]));
    assert.deepEqual(bySid.account.Principal, { AWS: 'arn:aws:iam::111122223333:root' });
    assert.deepEqual(bySid.role.Principal, { AWS: 'arn:aws:iam::111122223333:role/caller' });
    assert.equal(bySid.anyone.Principal, '*');
    assert.deepEqual(bySid.anyone.Condition, { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } });
    assert.deepEqual(bySid.token.Condition, { StringEquals: { 'lambda:EventSourceToken': 'tok-1' } });
    assert.deepEqual(bySid.url.Condition, { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } });
    assert.equal(bySid.url.Action, 'lambda:InvokeFunctionUrl');
    assert.deepEqual(doc.Statement.map((s: any) => s.Sid), ['account', 'role', 'anyone', 'token', 'url'], 'in the order added');
  });

  test('errors: a Sid in use (409), a stale RevisionId (412), $LATEST as qualifier, bad input, a missing function; none change the policy', async () => {
    const fn = await deploy(lambda, CODE);
    const base = { FunctionName: fn, Action: 'lambda:InvokeFunction', Principal: 'sns.amazonaws.com' };
    await lambda.send(new AddPermissionCommand({ ...base, StatementId: 'one' }));
    const before = await policyOf(fn);
    await expectAwsError(lambda.send(new AddPermissionCommand({ ...base, StatementId: 'one' })), {
      name: 'ResourceConflictException', status: 409,
      message: 'The statement id (one) provided already exists. Please provide a new statement id, or remove the existing statement.',
    });
    await expectAwsError(lambda.send(new AddPermissionCommand({ ...base, StatementId: 'two', RevisionId: '00000000-0000-0000-0000-000000000000' })), {
      name: 'PreconditionFailedException', status: 412,
    });
    await expectAwsError(lambda.send(new AddPermissionCommand({ ...base, StatementId: 'two', Qualifier: '$LATEST' })), {
      name: 'InvalidParameterValueException', status: 400, message: 'We currently do not support adding policies for $LATEST.',
    });
    await expectAwsError(lambda.send(new AddPermissionCommand({ ...base, StatementId: 'bad sid' })), {
      name: 'ValidationException', status: 400, message: /Value 'bad sid' at 'statementId' failed to satisfy constraint/,
    });
    await expectAwsError(lambda.send(new AddPermissionCommand({ ...base, StatementId: 'two', Action: 'invoke' })), {
      name: 'ValidationException', status: 400, message: /Value 'invoke' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: \(lambda:\[\*\]\|lambda:\[a-zA-Z\]\+\|\[\*\]\)/,
    });
    await expectAwsError(lambda.send(new AddPermissionCommand({ ...base, StatementId: 'two', SourceAccount: '12' })), {
      name: 'ValidationException', status: 400, message: /at 'sourceAccount'/,
    });
    await expectAwsError(lambda.send(new AddPermissionCommand({ ...base, StatementId: 'two', Principal: 'not a principal' })), {
      name: 'ValidationException', status: 400, message: /at 'principal'/,
    });
    await expectAwsError(lambda.send(new AddPermissionCommand({ ...base, FunctionName: `${fn}-missing`, StatementId: 'two' })), {
      name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${fnArn(`${fn}-missing`)}`,
    });
    assert.deepEqual(await policyOf(fn), before);
    // With the current RevisionId the change goes through, and the revision moves on.
    await lambda.send(new AddPermissionCommand({ ...base, StatementId: 'two', RevisionId: before.revisionId }));
    assert.notEqual((await policyOf(fn)).revisionId, before.revisionId);
  });

  test('the policy RevisionId is the function RevisionId: GetFunction\'s is accepted, AddPermission and RemovePermission move it on', async () => {
    const fn = await deploy(lambda, { 'index.mjs': 'const started = Math.random(); export const handler = async () => started;' });
    const revisionOf = async () => (await lambda.send(new GetFunctionCommand({ FunctionName: fn }))).Configuration!.RevisionId!;
    const started = async () => JSON.parse(Buffer.from((await lambda.send(new InvokeCommand({ FunctionName: fn }))).Payload!).toString());
    const warm = await started();
    const r0 = await revisionOf();
    const base = { FunctionName: fn, Action: 'lambda:InvokeFunction', Principal: 'sns.amazonaws.com' };
    await lambda.send(new AddPermissionCommand({ ...base, StatementId: 'one', RevisionId: r0 }));
    const r1 = await revisionOf();
    assert.notEqual(r1, r0);
    assert.equal((await policyOf(fn)).revisionId, r1);
    // The old one is stale now, for both operations; nothing changes.
    await expectAwsError(lambda.send(new AddPermissionCommand({ ...base, StatementId: 'two', RevisionId: r0 })), {
      name: 'PreconditionFailedException', status: 412,
      message: 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
    });
    await expectAwsError(lambda.send(new RemovePermissionCommand({ FunctionName: fn, StatementId: 'one', RevisionId: r0 })), { name: 'PreconditionFailedException', status: 412 });
    assert.equal(await revisionOf(), r1);
    await lambda.send(new AddPermissionCommand({ ...base, StatementId: 'two', RevisionId: r1 }));
    const r2 = await revisionOf();
    assert.notEqual(r2, r1);
    await lambda.send(new RemovePermissionCommand({ FunctionName: fn, StatementId: 'one', RevisionId: r2 }));
    const r3 = await revisionOf();
    assert.notEqual(r3, r2);
    assert.equal((await policyOf(fn)).revisionId, r3);
    // A policy change is not a code or configuration change: the warm environment keeps serving.
    assert.equal(await started(), warm);
  });

  test('service principals: ASCII DNS names under amazonaws.com, amazonaws.com.cn or amazon.com (Alexa)', async () => {
    const fn = await deploy(lambda, CODE);
    const add = (sid: string, principal: string, extra: Record<string, string> = {}) =>
      lambda.send(new AddPermissionCommand({ FunctionName: fn, StatementId: sid, Action: 'lambda:InvokeFunction', Principal: principal, ...extra }));
    await add('alexa', 'alexa-appkit.amazon.com', { EventSourceToken: 'amzn1.ask.skill.1' });
    await add('cn', 'sns.amazonaws.com.cn');
    for (const [i, bad] of ['snß.amazonaws.com', 'amazonaws.com', '.amazonaws.com', 'sns..amazonaws.com', '-x.amazon.com', 'evil.com'].entries()) {
      await expectAwsError(add(`bad${i}`, bad), {
        name: 'InvalidParameterValueException', status: 400, message: 'The provided principal was invalid. Please check the principal and try again.',
      });
    }
    const statements = JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: fn }))).Policy!).Statement;
    assert.deepEqual(statements.map((st: { Principal: unknown }) => st.Principal), [{ Service: 'alexa-appkit.amazon.com' }, { Service: 'sns.amazonaws.com.cn' }]);
  });

  test('a policy over 20 KB → 400 PolicyLengthExceededException', async () => {
    const fn = await deploy(lambda, CODE);
    const arn = (i: number) => `arn:aws:sns:us-east-1:${ACCOUNT}:${'t'.repeat(200)}-${i}`;
    let i = 0;
    let refused: unknown;
    for (; i < 200 && !refused; i++) {
      await lambda.send(new AddPermissionCommand({
        FunctionName: fn, StatementId: `s${i}`, Action: 'lambda:InvokeFunction', Principal: 'sns.amazonaws.com', SourceArn: arn(i),
      })).catch((err) => (refused = err));
    }
    assert.ok(refused, 'some statement was refused');
    assert.equal((refused as Error).name, 'PolicyLengthExceededException');
    assert.match((refused as Error).message, /^The final policy size \(\d+\) is bigger than the limit \(20480\)\.$/);
    assert.equal((await policyOf(fn)).doc.Statement.length, i - 1);
  });
});

describe('RemovePermission', () => {
  test('removes one statement; the last one takes the policy with it (GetPolicy 404); missing ones are 404', async () => {
    const fn = await deploy(lambda, CODE);
    await expectAwsError(lambda.send(new GetPolicyCommand({ FunctionName: fn })), {
      name: 'ResourceNotFoundException', status: 404, message: 'The resource you requested does not exist.',
    });
    await expectAwsError(lambda.send(new RemovePermissionCommand({ FunctionName: fn, StatementId: 'nothing' })), {
      name: 'ResourceNotFoundException', status: 404, message: `No policy is found for: ${fnArn(fn)}`,
    });
    for (const sid of ['a', 'b']) {
      await lambda.send(new AddPermissionCommand({ FunctionName: fn, StatementId: sid, Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' }));
    }
    const rev = (await policyOf(fn)).revisionId;
    await expectAwsError(lambda.send(new RemovePermissionCommand({ FunctionName: fn, StatementId: 'a', RevisionId: 'stale' })), {
      name: 'PreconditionFailedException', status: 412,
    });
    const removed = await lambda.send(new RemovePermissionCommand({ FunctionName: fn, StatementId: 'a', RevisionId: rev }));
    assert.equal(removed.$metadata.httpStatusCode, 204);
    assert.deepEqual((await policyOf(fn)).doc.Statement.map((s: any) => s.Sid), ['b']);
    await expectAwsError(lambda.send(new RemovePermissionCommand({ FunctionName: fn, StatementId: 'a' })), {
      name: 'ResourceNotFoundException', status: 404, message: 'Statement a is not found in resource policy.',
    });
    await lambda.send(new RemovePermissionCommand({ FunctionName: fn, StatementId: 'b' }));
    await expectAwsError(lambda.send(new GetPolicyCommand({ FunctionName: fn })), { name: 'ResourceNotFoundException', status: 404 });
  });
});

describe('a policy lives with its function', () => {
  test('it survives a restart; DeleteFunction removes it, and a new function of the same name starts without one', async () => {
    const dataDir = tempDir('lambkin-policy-restart-');
    try {
      let server = await startServer({ dataDir, spareRuntimes: 0 });
      const fn = await deploy(server.lambda, CODE);
      await server.lambda.send(new AddPermissionCommand({ FunctionName: fn, StatementId: 'keep', Action: 'lambda:*', Principal: '111122223333' }));
      const before = await server.lambda.send(new GetPolicyCommand({ FunctionName: fn }));
      await server.close();
      server = await startServer({ dataDir, spareRuntimes: 0 });
      try {
        const afterRestart = await server.lambda.send(new GetPolicyCommand({ FunctionName: fn }));
        assert.equal(afterRestart.Policy, before.Policy);
        assert.equal(afterRestart.RevisionId, before.RevisionId);
        await server.lambda.send(new DeleteFunctionCommand({ FunctionName: fn }));
        await deploy(server.lambda, CODE, { name: fn });
        await expectAwsError(server.lambda.send(new GetPolicyCommand({ FunctionName: fn })), { name: 'ResourceNotFoundException', status: 404 });
      } finally {
        await server.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

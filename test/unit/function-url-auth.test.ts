// The function URL auth rules (invocation-semantics.md §7, §8) on the real policy store and evaluator: the parts
// the HTTP tests cannot reach while every signature maps to lambkin's own account (dev mode) — callers from another
// account, explicit Deny statements — plus the public (NONE) grant's exact shape.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { FunctionPolicies } from '../../src/lambda/control/function-policies.js';
import { authorizeUrl } from '../../src/lambda/urls/url-auth.js';
import { urlAddress } from '../../src/lambda/urls/url-address.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { FunctionUrlRecord, PolicyStatement, Store } from '../../src/store/store.js';

const OWNER = '000000000000';
const OTHER = '111122223333';
const SCOPE = { account: OWNER, region: 'us-east-1' };
const ARN = `arn:aws:lambda:us-east-1:${OWNER}:function:fn`;
const SIGNED = {
  authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261204/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'a'.repeat(64)}`,
  'x-amz-date': '20261204T120000Z',
};

let dir: string;
let store: Store;
let policies: FunctionPolicies;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambkin-url-auth-'));
  store = openSqliteStore(dir, 'NORMAL');
  policies = new FunctionPolicies(store);
  await policies.load();
});
after(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const url = (name: string, authType: 'NONE' | 'AWS_IAM'): FunctionUrlRecord => ({
  urlId: 'a'.repeat(32), account: OWNER, region: 'us-east-1', functionName: name, qualifier: '', authType, invokeMode: 'BUFFERED', creationMs: 0, lastModifiedMs: 0,
});
const request = (headers: Record<string, string> = {}) => ({ headers }) as unknown as IncomingMessage;
const NO_QUERY = new URLSearchParams();

async function grant(name: string, statement: Omit<PolicyStatement, 'Resource' | 'Effect'> & { Effect?: 'Allow' | 'Deny' }): Promise<void> {
  await policies.add(SCOPE, name, '', { Effect: 'Allow', Resource: ARN.replace(/fn$/, name), ...statement });
}

describe('NONE', () => {
  test('only a * grant of InvokeFunctionUrl with FunctionUrlAuthType NONE opens the URL', async () => {
    const u = url('public', 'NONE');
    assert.equal(authorizeUrl(u, request(), NO_QUERY, policies, OWNER).allowed, false, 'no policy');
    await grant('public', { Sid: 'acct', Principal: { AWS: `arn:aws:iam::${OWNER}:root` }, Action: 'lambda:InvokeFunctionUrl' });
    await grant('public', { Sid: 'iam', Principal: '*', Action: 'lambda:InvokeFunctionUrl', Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } } });
    assert.equal(authorizeUrl(u, request(), NO_QUERY, policies, OWNER).allowed, false, 'an account principal or the other auth type');
    await grant('public', { Sid: 'none', Principal: '*', Action: 'lambda:InvokeFunctionUrl', Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } } });
    assert.deepEqual(authorizeUrl(u, request(), NO_QUERY, policies, OWNER), { allowed: true });
  });
});

describe('AWS_IAM', () => {
  test('the owner account is in with a well-formed lambda signature, another account only through the policy', async () => {
    const u = url('private', 'AWS_IAM');
    const own = authorizeUrl(u, request(SIGNED), NO_QUERY, policies, OWNER);
    assert.equal(own.allowed, true);
    assert.deepEqual(own.allowed && own.authorizer, {
      iam: { accessKey: 'AKIDEXAMPLE', accountId: OWNER, callerId: OWNER, cognitoIdentity: null, principalOrgId: null, userArn: `arn:aws:iam::${OWNER}:root`, userId: OWNER },
    });
    assert.equal(authorizeUrl(u, request(SIGNED), NO_QUERY, policies, OTHER).allowed, false, 'another account without a grant');
    await grant('private', { Sid: 'other', Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: 'lambda:InvokeFunctionUrl', Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } } });
    const other = authorizeUrl(u, request(SIGNED), NO_QUERY, policies, OTHER);
    assert.equal(other.allowed, true);
    assert.equal(other.allowed && (other.authorizer!.iam as Record<string, unknown>).accountId, OTHER);
  });

  test('an explicit Deny refuses even the owner; unsigned, other-service and malformed signatures are refused', async () => {
    const u = url('guarded', 'AWS_IAM');
    const otherService = { ...SIGNED, authorization: SIGNED.authorization.replace('/lambda/', '/execute-api/') };
    const noSignature = { ...SIGNED, authorization: SIGNED.authorization.replace(/, Signature=.*$/, '') };
    const noDate = { authorization: SIGNED.authorization };
    for (const headers of [{}, otherService, noSignature, noDate]) {
      assert.equal(authorizeUrl(u, request(headers), NO_QUERY, policies, OWNER).allowed, false, JSON.stringify(headers));
    }
    const presigned = new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256', 'X-Amz-Credential': 'AKIDEXAMPLE/20261204/us-east-1/lambda/aws4_request',
      'X-Amz-Date': '20261204T120000Z', 'X-Amz-SignedHeaders': 'host', 'X-Amz-Signature': 'b'.repeat(64),
    });
    assert.equal(authorizeUrl(u, request(), presigned, policies, OWNER).allowed, true, 'a presigned URL');
    await grant('guarded', { Sid: 'deny-all', Effect: 'Deny', Principal: '*', Action: 'lambda:InvokeFunctionUrl' });
    assert.equal(authorizeUrl(u, request(SIGNED), NO_QUERY, policies, OWNER).allowed, false);
  });
});

describe('addressing', () => {
  const id = 'k3x0abcdefghijklmnopqrstuvwxyz12';
  test('host names of any domain, path-style with and without a path; others are no URL', () => {
    assert.deepEqual(urlAddress(`${id}.lambda-url.us-east-1.localhost:4566`, '/a/b'), {
      urlId: id, region: 'us-east-1', rawPath: '/a/b', domainName: `${id}.lambda-url.us-east-1.localhost`,
    });
    assert.equal(urlAddress(`${id}.lambda-url.eu-west-1.lambkin.test`, '/')?.region, 'eu-west-1');
    assert.deepEqual(urlAddress('127.0.0.1:4566', `/_lambda-url/${id}/x%20y`), { urlId: id, rawPath: '/x%20y' });
    assert.deepEqual(urlAddress('127.0.0.1:4566', `/_lambda-url/${id}`), { urlId: id, rawPath: '/' });
    assert.equal(urlAddress('127.0.0.1:4566', '/2015-03-31/functions'), undefined);
    assert.equal(urlAddress('short.lambda-url.us-east-1.localhost', '/'), undefined);
    assert.equal(urlAddress('abc123.execute-api.localhost', '/prod/x'), undefined);
  });
});

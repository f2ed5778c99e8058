// The resource-policy evaluator that gates push triggers and cross-account calls (invocation-semantics.md §8.3):
// principals, actions, resources, condition operators and Deny over Allow.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePolicy, wildcardMatch, type AccessRequest } from '../../src/lambda/control/policy-evaluator.js';
import type { PolicyStatement } from '../../src/store/store.js';

const FN = 'arn:aws:lambda:us-east-1:111122223333:function:f';
const allow = (extra: Partial<PolicyStatement> = {}): PolicyStatement => ({
  Sid: 's', Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: FN, ...extra,
});
const s3 = (context: Record<string, string> = {}): AccessRequest => ({
  principal: { service: 's3.amazonaws.com' }, action: 'lambda:InvokeFunction', resource: FN,
  context: { 'aws:SourceArn': 'arn:aws:s3:::photos', 'aws:SourceAccount': '111122223333', ...context },
});

interface Row {
  name: string;
  statements: PolicyStatement[];
  request: AccessRequest;
  want: ReturnType<typeof evaluatePolicy>;
}

const rows: Row[] = [
  { name: 'no statements: implicit deny', statements: [], request: s3(), want: 'implicit-deny' },
  { name: 'matching service principal', statements: [allow()], request: s3(), want: 'allow' },
  { name: 'another service', statements: [allow({ Principal: { Service: 'sns.amazonaws.com' } })], request: s3(), want: 'implicit-deny' },
  { name: 'Principal *', statements: [allow({ Principal: '*' })], request: s3(), want: 'allow' },
  { name: 'action lambda:*', statements: [allow({ Action: 'lambda:*' })], request: s3(), want: 'allow' },
  { name: 'action *', statements: [allow({ Action: '*' })], request: s3(), want: 'allow' },
  { name: 'actions compare case-insensitively', statements: [allow({ Action: 'Lambda:invokefunction' })], request: s3(), want: 'allow' },
  { name: 'another action', statements: [allow({ Action: 'lambda:GetFunction' })], request: s3(), want: 'implicit-deny' },
  { name: 'another resource (a qualifier)', statements: [allow({ Resource: `${FN}:live` })], request: s3(), want: 'implicit-deny' },
  {
    name: 'ArnLike SourceArn with a wildcard', request: s3(), want: 'allow',
    statements: [allow({ Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::pho*' } } })],
  },
  {
    name: 'ArnLike SourceArn of another bucket', request: s3(), want: 'implicit-deny',
    statements: [allow({ Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::videos' } } })],
  },
  {
    name: 'ArnLike: * does not span a colon', want: 'implicit-deny',
    request: s3({ 'aws:SourceArn': 'arn:aws:sns:us-east-1:111122223333:topic' }),
    statements: [allow({ Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:sns:*:topic' } } })],
  },
  {
    name: 'SourceAccount and SourceArn both hold', request: s3(), want: 'allow',
    statements: [allow({ Condition: { StringEquals: { 'AWS:SourceAccount': '111122223333' }, ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::photos' } } })],
  },
  {
    name: 'one condition of two fails', request: s3(), want: 'implicit-deny',
    statements: [allow({ Condition: { StringEquals: { 'AWS:SourceAccount': '999999999999' }, ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::photos' } } })],
  },
  {
    name: 'a condition key missing from the request', want: 'implicit-deny',
    request: { ...s3(), context: {} },
    statements: [allow({ Condition: { StringEquals: { 'AWS:SourceAccount': '111122223333' } } })],
  },
  {
    name: '...IfExists with the key missing', want: 'allow', request: { ...s3(), context: {} },
    statements: [allow({ Condition: { StringEqualsIfExists: { 'AWS:SourceAccount': '111122223333' } } })],
  },
  {
    name: 'StringNotEquals with the key missing', want: 'allow', request: { ...s3(), context: {} },
    statements: [allow({ Condition: { StringNotEquals: { 'AWS:SourceAccount': '111122223333' } } })],
  },
  {
    name: 'condition key names compare case-insensitively', request: s3(), want: 'allow',
    statements: [allow({ Condition: { StringEquals: { 'aws:sourceaccount': '111122223333' } } })],
  },
  {
    name: 'an unknown operator never grants', request: s3(), want: 'implicit-deny',
    statements: [allow({ Condition: { NumericLessThan: { 'AWS:SourceAccount': '5' } } })],
  },
  { name: 'Deny beats Allow', statements: [allow(), allow({ Sid: 'd', Effect: 'Deny' })], request: s3(), want: 'deny' },
  {
    name: 'account principal as its root ARN', want: 'allow',
    request: { principal: { account: '444455556666' }, action: 'lambda:InvokeFunction', resource: FN, context: {} },
    statements: [allow({ Principal: { AWS: 'arn:aws:iam::444455556666:root' } })],
  },
  {
    name: 'account principal as a bare account id', want: 'allow',
    request: { principal: { account: '444455556666', arn: 'arn:aws:iam::444455556666:user/u' }, action: 'lambda:InvokeFunction', resource: FN, context: {} },
    statements: [allow({ Principal: { AWS: '444455556666' } })],
  },
  {
    name: 'an IAM ARN principal matches only that identity', want: 'implicit-deny',
    request: { principal: { account: '444455556666', arn: 'arn:aws:iam::444455556666:user/other' }, action: 'lambda:InvokeFunction', resource: FN, context: {} },
    statements: [allow({ Principal: { AWS: 'arn:aws:iam::444455556666:user/u' } })],
  },
  {
    name: 'another account', want: 'implicit-deny',
    request: { principal: { account: '777777777777' }, action: 'lambda:InvokeFunction', resource: FN, context: {} },
    statements: [allow({ Principal: { AWS: 'arn:aws:iam::444455556666:root' } })],
  },
  {
    name: 'a service is not an account', want: 'implicit-deny', request: s3(),
    statements: [allow({ Principal: { AWS: 'arn:aws:iam::111122223333:root' } })],
  },
];

describe('evaluatePolicy', () => {
  for (const row of rows) {
    test(`${row.want}: ${row.name}`, () => assert.equal(evaluatePolicy(row.statements, row.request), row.want));
  }
});

describe('wildcardMatch', () => {
  test('* runs, ? one character, everything else literal', () => {
    assert.ok(wildcardMatch('a*c', 'abbbc'));
    assert.ok(wildcardMatch('a?c', 'abc'));
    assert.ok(!wildcardMatch('a?c', 'abbc'));
    assert.ok(!wildcardMatch('a.c', 'abc'));
    assert.ok(wildcardMatch('a(b)[c]+', 'a(b)[c]+'));
  });
});

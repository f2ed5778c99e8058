import { functionArn } from '../../core/arn.js';
import { AwsError } from '../../core/errors.js';
import { Constraints, invalidParameter } from '../../core/validation.js';
import { sendJson } from '../../gateway/protocols/rest-json.js';
import type { ApiRequest } from '../../gateway/request.js';
import type { PolicyStatement } from '../../store/store.js';
import { requireTypes } from '../control/function-input.js';
import { policyDocument } from '../control/function-policies.js';
import { LATEST, revisionMismatch, type Scope } from '../control/function-registry.js';
import type { LambdaDeps, LambdaHandler } from './context.js';
import { readJsonBody, resolveFunctionRef } from './function-ref.js';

const MAX_REQUEST_BYTES = 64 * 1024;
/** AddPermission's model patterns (lambda-api.md §5). */
const STATEMENT_ID = /^([a-zA-Z0-9-_]+)$/;
const REMOVE_STATEMENT_ID = /^([a-zA-Z0-9-_.]+)$/;
const ACTION = /^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/;
const PRINCIPAL = /^[^\s]+$/;
const SOURCE_ARN = /^arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9-])+:([a-z]{2}(-gov)?-[a-z]+-\d{1})?:(\d{12})?:(.*)$/;
const SOURCE_ACCOUNT = /^\d{12}$/;
const EVENT_SOURCE_TOKEN = /^[a-zA-Z0-9._-]+$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
/**
 * A service principal: ASCII DNS labels under amazonaws.com (or .com.cn), or under amazon.com as Alexa's
 * (`alexa-appkit.amazon.com`, used with EventSourceToken).
 */
const SERVICE_PRINCIPAL = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+(amazonaws\.com(\.cn)?|amazon\.com)$/i;

interface PermissionInput {
  StatementId?: string;
  Action?: string;
  Principal?: string;
  SourceArn?: string;
  SourceAccount?: string;
  EventSourceToken?: string;
  RevisionId?: string;
  PrincipalOrgID?: string;
  FunctionUrlAuthType?: string;
  InvokedViaFunctionUrl?: boolean;
}

interface Target {
  scope: Scope;
  name: string;
  /** '' for the function and $LATEST. */
  qualifier: string;
}

/** The function (and version or alias) whose policy a request is about; it must exist. */
function target(api: ApiRequest, deps: LambdaDeps, raw: string): Target {
  const ref = resolveFunctionRef(api.caller, raw, api.query.get('Qualifier'), true);
  deps.functions.require(ref.scope, ref.name, ref.qualifier ?? LATEST);
  return { scope: ref.scope, name: ref.name, qualifier: ref.qualifier === undefined || ref.qualifier === LATEST ? '' : ref.qualifier };
}

/**
 * A policy's RevisionId is its function's (or version's): the one GetFunction and GetPolicy show. A stale one is
 * 412 before anything changes; returns the current one, which AddPermission and RemovePermission then move on.
 */
function checkRevision(deps: LambdaDeps, t: Target, expected: string | undefined): string {
  const current = deps.functions.require(t.scope, t.name, t.qualifier || LATEST).revisionId;
  if (expected !== undefined && expected !== current) throw revisionMismatch();
  return current;
}

function checkInput(input: PermissionInput): void {
  new Constraints()
    .required(input.StatementId, 'statementId').length(input.StatementId, 'statementId', 1, 100).pattern(input.StatementId, 'statementId', STATEMENT_ID)
    .required(input.Action, 'action').pattern(input.Action, 'action', ACTION)
    .required(input.Principal, 'principal').pattern(input.Principal, 'principal', PRINCIPAL)
    .pattern(input.SourceArn, 'sourceArn', SOURCE_ARN)
    .length(input.SourceAccount, 'sourceAccount', 0, 12).pattern(input.SourceAccount, 'sourceAccount', SOURCE_ACCOUNT)
    .length(input.EventSourceToken, 'eventSourceToken', 0, 256).pattern(input.EventSourceToken, 'eventSourceToken', EVENT_SOURCE_TOKEN)
    .length(input.PrincipalOrgID, 'principalOrgID', 12, 34).pattern(input.PrincipalOrgID, 'principalOrgID', ORG_ID)
    .oneOf(input.FunctionUrlAuthType, 'functionUrlAuthType', ['NONE', 'AWS_IAM'])
    .check();
}

/** Principal as the statement writes it: service principals, accounts as their root ARN, ARNs, or `*`. */
function principalOf(p: string): PolicyStatement['Principal'] {
  if (p === '*') return '*';
  if (/^\d{12}$/.test(p)) return { AWS: `arn:aws:iam::${p}:root` };
  if (p.startsWith('arn:')) return { AWS: p };
  if (SERVICE_PRINCIPAL.test(p)) return { Service: p };
  throw invalidParameter(`The provided principal was invalid. Please check the principal and try again.`);
}

/** AddPermission's request as one statement (invocation-semantics.md §8.2). */
function statementOf(input: PermissionInput, t: Target): PolicyStatement {
  const statement: PolicyStatement = {
    Sid: input.StatementId!, Effect: 'Allow', Principal: principalOf(input.Principal!), Action: input.Action!,
    Resource: functionArn(t.scope.region, t.scope.account, t.name, t.qualifier || undefined),
  };
  const condition: Record<string, Record<string, string>> = {};
  const add = (op: string, k: string, v: string | undefined) => {
    if (v !== undefined) (condition[op] ??= {})[k] = v;
  };
  add('StringEquals', 'AWS:SourceAccount', input.SourceAccount);
  add('StringEquals', 'aws:PrincipalOrgID', input.PrincipalOrgID);
  add('StringEquals', 'lambda:EventSourceToken', input.EventSourceToken);
  add('StringEquals', 'lambda:FunctionUrlAuthType', input.FunctionUrlAuthType);
  add('ArnLike', 'AWS:SourceArn', input.SourceArn);
  if (input.InvokedViaFunctionUrl) add('Bool', 'lambda:InvokedViaFunctionUrl', 'true');
  if (Object.keys(condition).length) statement.Condition = condition;
  return statement;
}

/** AddPermission: POST /2015-03-31/functions/{FunctionName}/policy → 201 {"Statement": "<statement JSON>"} */
export const addPermission: LambdaHandler = async (api, [raw], deps) => {
  const body = await readJsonBody(api, 'AddPermission', MAX_REQUEST_BYTES);
  requireTypes(body, {
    StatementId: 'string', Action: 'string', Principal: 'string', SourceArn: 'string', SourceAccount: 'string', EventSourceToken: 'string',
    RevisionId: 'string', PrincipalOrgID: 'string', FunctionUrlAuthType: 'string', InvokedViaFunctionUrl: 'boolean',
  });
  const input = body as PermissionInput;
  checkInput(input);
  if (api.query.get('Qualifier') === LATEST || raw!.endsWith(`:${LATEST}`)) throw invalidParameter('We currently do not support adding policies for $LATEST.');
  const t = target(api, deps, raw!);
  const statement = statementOf(input, t);
  const revision = checkRevision(deps, t, input.RevisionId);
  await deps.policies.add(t.scope, t.name, t.qualifier, statement);
  await deps.functions.bumpRevision(t.scope, t.name, t.qualifier || LATEST, revision);
  sendJson(api.res, api.requestId, 201, { Statement: JSON.stringify(statement) });
};

/** GetPolicy: GET /2015-03-31/functions/{FunctionName}/policy → {"Policy": "<document JSON>", "RevisionId"} */
export const getPolicy: LambdaHandler = async (api, [raw], deps) => {
  const t = target(api, deps, raw!);
  const policy = deps.policies.get(t.scope, t.name, t.qualifier);
  if (!policy) throw new AwsError('ResourceNotFoundException', 404, 'The resource you requested does not exist.', { messageKey: 'Message' });
  const revisionId = deps.functions.require(t.scope, t.name, t.qualifier || LATEST).revisionId;
  sendJson(api.res, api.requestId, 200, { Policy: JSON.stringify(policyDocument(policy)), RevisionId: revisionId });
};

/** RemovePermission: DELETE /2015-03-31/functions/{FunctionName}/policy/{StatementId} → 204 */
export const removePermission: LambdaHandler = async (api, [raw, sid], deps) => {
  new Constraints().length(sid, 'statementId', 1, 100).pattern(sid, 'statementId', REMOVE_STATEMENT_ID).check();
  const t = target(api, deps, raw!);
  const revision = checkRevision(deps, t, api.query.get('RevisionId') ?? undefined);
  await deps.policies.remove(t.scope, t.name, t.qualifier, sid!);
  await deps.functions.bumpRevision(t.scope, t.name, t.qualifier || LATEST, revision);
  sendJson(api.res, api.requestId, 204);
};

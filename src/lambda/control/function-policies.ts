import { functionArn } from '../../core/arn.js';
import { AwsError } from '../../core/errors.js';
import { newRevisionId } from '../../core/ids.js';
import type { PolicyRecord, PolicyStatement, Store } from '../../store/store.js';
import { evaluatePolicy, type AccessRequest, type Decision } from './policy-evaluator.js';
import type { Scope } from './function-registry.js';

/** Lambda's limit on a function's policy document (lambda-api.md §1.1, PolicyLengthExceededException). */
export const MAX_POLICY_BYTES = 20_480;

const key = (account: string, region: string, name: string, qualifier: string) => `${account}\0${region}\0${name}\0${qualifier}`;

/** The policy document GetPolicy shows (as a string), statements in the order they were added. */
export function policyDocument(r: PolicyRecord): Record<string, unknown> {
  return { Version: '2012-10-17', Id: 'default', Statement: r.statements };
}

const notFound = (message: string) => new AwsError('ResourceNotFoundException', 404, message, { messageKey: 'Message' });

/**
 * Resource-based policies, one per function and qualifier ('' = the function and $LATEST): stored, cached for the
 * decisions on the push and cross-account paths, which are memory-only.
 */
export class FunctionPolicies {
  private readonly cache = new Map<string, PolicyRecord>();

  constructor(private readonly store: Store) {}

  async load(): Promise<void> {
    for (const r of await this.store.policies.all()) this.cache.set(key(r.account, r.region, r.functionName, r.qualifier), r);
  }

  get(scope: Scope, name: string, qualifier: string): PolicyRecord | undefined {
    return this.cache.get(key(scope.account, scope.region, name, qualifier));
  }

  /**
   * Adds a statement: 409 for a Sid in use, 400 past 20 KB; nothing changes then. The RevisionId a caller checks is
   * the function's (FunctionRegistry), checked and moved on by the API around this call.
   */
  async add(scope: Scope, name: string, qualifier: string, statement: PolicyStatement): Promise<PolicyRecord> {
    const current = this.get(scope, name, qualifier);
    if (current?.statements.some((s) => s.Sid === statement.Sid)) {
      throw new AwsError('ResourceConflictException', 409,
        `The statement id (${statement.Sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`);
    }
    const next: PolicyRecord = {
      account: scope.account, region: scope.region, functionName: name, qualifier,
      revisionId: newRevisionId(), statements: [...(current?.statements ?? []), statement],
    };
    const size = Buffer.byteLength(JSON.stringify(policyDocument(next)));
    if (size > MAX_POLICY_BYTES) {
      throw new AwsError('PolicyLengthExceededException', 400, `The final policy size (${size}) is bigger than the limit (${MAX_POLICY_BYTES}).`);
    }
    await this.store.policies.put(next);
    this.cache.set(key(scope.account, scope.region, name, qualifier), next);
    return next;
  }

  /** Removes a statement; the policy goes when its last statement does. */
  async remove(scope: Scope, name: string, qualifier: string, sid: string): Promise<void> {
    const current = this.get(scope, name, qualifier);
    if (!current) throw notFound(`No policy is found for: ${functionArn(scope.region, scope.account, name, qualifier || undefined)}`);
    if (!current.statements.some((s) => s.Sid === sid)) throw notFound(`Statement ${sid} is not found in resource policy.`);
    const statements = current.statements.filter((s) => s.Sid !== sid);
    const k = key(scope.account, scope.region, name, qualifier);
    if (statements.length === 0) {
      await this.store.policies.delete(scope.account, scope.region, name, qualifier);
      this.cache.delete(k);
      return;
    }
    const next = { ...current, statements, revisionId: newRevisionId() };
    await this.store.policies.put(next);
    this.cache.set(k, next);
  }

  async deleteFunction(scope: Scope, name: string): Promise<void> {
    await this.store.policies.deleteFunction(scope.account, scope.region, name);
    for (const [k, r] of this.cache) {
      if (r.account === scope.account && r.region === scope.region && r.functionName === name) this.cache.delete(k);
    }
  }

  /**
   * Whether the function's (or qualifier's) policy lets `request` through; `request.resource` is filled in. No policy
   * is an implicit deny, as on AWS.
   */
  decide(scope: Scope, name: string, qualifier: string, request: Omit<AccessRequest, 'resource'>): Decision {
    const policy = this.get(scope, name, qualifier);
    if (!policy) return 'implicit-deny';
    return evaluatePolicy(policy.statements, { ...request, resource: functionArn(scope.region, scope.account, name, qualifier || undefined) });
  }
}

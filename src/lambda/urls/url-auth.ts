import type { IncomingMessage } from 'node:http';
import type { Authorizer } from '../../apigw/engine/proxy-event.js';
import { credentialScope } from '../../gateway/sigv4.js';
import type { FunctionUrlRecord } from '../../store/store.js';
import type { FunctionPolicies } from '../control/function-policies.js';

/** Whether a URL request may invoke the function, and for AWS_IAM who the caller is (the event's `authorizer.iam`). */
export type UrlAccess = { allowed: true; authorizer?: Authorizer } | { allowed: false };

const ACTION = 'lambda:InvokeFunctionUrl';
const AUTH_HEADER = /^AWS4-HMAC-SHA256 +Credential=[^,\s]+, *SignedHeaders=[a-z0-9;-]+, *Signature=[0-9a-f]{64}$/;
const PRESIGN_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Signature'];

/**
 * A SigV4 signature in the right form, in the Authorization header or as a presigned query. Checking the signature
 * itself belongs to strict mode; until then a well-formed signature stands for lambkin's account, as on its APIs.
 */
function wellFormedSignature(req: IncomingMessage, query: URLSearchParams): boolean {
  const auth = req.headers.authorization;
  if (auth !== undefined) return AUTH_HEADER.test(auth) && (req.headers['x-amz-date'] !== undefined || req.headers.date !== undefined);
  return PRESIGN_PARAMS.every((p) => query.has(p)) && query.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256';
}

/** The caller as function URL events show it; lambkin knows only the account, so the identity is its root. */
function iamAuthorizer(accessKey: string, account: string): Authorizer {
  return {
    iam: {
      accessKey, accountId: account, callerId: account, cognitoIdentity: null, principalOrgId: null,
      userArn: `arn:aws:iam::${account}:root`, userId: account,
    },
  };
}

/**
 * The function URL auth model (Lambda DG "Control access to Lambda function URLs"):
 * - `NONE`: anyone, but the function's resource policy must allow `lambda:InvokeFunctionUrl` to `*` with
 *   `lambda:FunctionUrlAuthType` = `NONE` (AddPermission `--function-url-auth-type NONE`);
 * - `AWS_IAM`: the request must be SigV4-signed for the `lambda` service; the function's own account is allowed
 *   (its identity policies are not modelled), another account only through the resource policy. An explicit
 *   Deny in the resource policy wins either way.
 */
export function authorizeUrl(url: FunctionUrlRecord, req: IncomingMessage, query: URLSearchParams, policies: FunctionPolicies, callerAccount: string): UrlAccess {
  const scope = { account: url.account, region: url.region };
  const context = { 'lambda:FunctionUrlAuthType': url.authType };
  if (url.authType === 'NONE') {
    const decision = policies.decide(scope, url.functionName, url.qualifier, { principal: { anonymous: true }, action: ACTION, context });
    return decision === 'allow' ? { allowed: true } : { allowed: false };
  }
  const signing = credentialScope(req, query);
  if (!signing || signing.service !== 'lambda' || !wellFormedSignature(req, query)) return { allowed: false };
  const principal = { account: callerAccount, arn: `arn:aws:iam::${callerAccount}:root` };
  const decision = policies.decide(scope, url.functionName, url.qualifier, { principal, action: ACTION, context });
  const allowed = decision === 'allow' || (decision === 'implicit-deny' && callerAccount === url.account);
  return allowed ? { allowed: true, authorizer: iamAuthorizer(signing.accessKeyId, callerAccount) } : { allowed: false };
}

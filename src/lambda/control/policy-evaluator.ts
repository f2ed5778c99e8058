import type { PolicyStatement } from '../../store/store.js';

/**
 * Who asks: an AWS service (push triggers), an identity of an account, or nobody in particular (an unauthenticated
 * function URL request, which only `"Principal": "*"` or `{"AWS": "*"}` lets in).
 */
export type Principal = { service: string } | { account: string; arn?: string } | { anonymous: true };

export interface AccessRequest {
  principal: Principal;
  /** e.g. `lambda:InvokeFunction`. */
  action: string;
  /** The ARN the policy protects, as its statements name it (qualified when the policy is a qualifier's). */
  resource: string;
  /** Condition keys of the request (`aws:SourceArn`, `aws:SourceAccount`, ...); names are case-insensitive. */
  context: Record<string, string | undefined>;
}

export type Decision = 'allow' | 'deny' | 'implicit-deny';

type Values = string | string[] | undefined;

const list = (v: Values): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** IAM's `*` (any run) and `?` (one character) wildcards; the rest is literal. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const key = ignoreCase ? `i:${pattern}` : `s:${pattern}`;
  let re = compiled.get(key);
  if (!re) {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
    // Policies are few and small; the bound only guards against unbounded growth from many distinct patterns.
    if (compiled.size >= 1000) compiled.clear();
    compiled.set(key, re);
  }
  return re.test(value);
}

/** Patterns compiled once: every push and every API call through a front evaluates the same few statements. */
const compiled = new Map<string, RegExp>();

/** ArnLike: the six colon-separated parts are matched one by one, so `*` never spans a `:`. */
function arnLike(pattern: string, value: string): boolean {
  const p = pattern.split(':');
  const v = value.split(':');
  if (p.length < 6 || v.length < 6) return false;
  const tail = (parts: string[]) => parts.slice(5).join(':');
  return p.slice(0, 5).every((part, i) => wildcardMatch(part, v[i]!)) && wildcardMatch(tail(p), tail(v));
}

type Test = (pattern: string, value: string) => boolean;

/** The condition operators a Lambda policy uses (IAM User Guide "IAM JSON policy elements: Condition operators"). */
const OPERATORS: Readonly<Record<string, { test: Test; negated?: boolean }>> = {
  stringequals: { test: (p, v) => p === v },
  stringnotequals: { test: (p, v) => p === v, negated: true },
  stringequalsignorecase: { test: (p, v) => p.toLowerCase() === v.toLowerCase() },
  stringnotequalsignorecase: { test: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: true },
  stringlike: { test: (p, v) => wildcardMatch(p, v) },
  stringnotlike: { test: (p, v) => wildcardMatch(p, v), negated: true },
  arnequals: { test: (p, v) => p === v },
  arnnotequals: { test: (p, v) => p === v, negated: true },
  arnlike: { test: arnLike },
  arnnotlike: { test: arnLike, negated: true },
  bool: { test: (p, v) => p.toLowerCase() === v.toLowerCase() },
};

function conditionHolds(operator: string, key: string, expected: Values, context: Record<string, string | undefined>): boolean {
  const name = operator.toLowerCase();
  if (name === 'null') {
    const absent = lookup(context, key) === undefined;
    return list(expected).some((e) => (e.toLowerCase() === 'true') === absent);
  }
  const ifExists = name.endsWith('ifexists');
  const op = OPERATORS[ifExists ? name.slice(0, -'ifexists'.length) : name];
  if (!op) return false; // an operator lambkin does not know never grants access
  const actual = lookup(context, key);
  if (actual === undefined) return ifExists || op.negated === true;
  const matched = list(expected).some((e) => op.test(e, actual));
  return op.negated ? !matched : matched;
}

function lookup(context: Record<string, string | undefined>, key: string): string | undefined {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(context)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

function principalMatches(p: PolicyStatement['Principal'], who: Principal): boolean {
  if (p === '*') return true;
  if ('anonymous' in who) return list(p.AWS as Values).includes('*');
  if ('service' in who) return list(p.Service as Values).includes(who.service) || list(p.AWS as Values).includes('*');
  return list(p.AWS as Values).some((a) => a === '*' || a === who.account || a === `arn:aws:iam::${who.account}:root` || a === who.arn);
}

function actionMatches(actions: Values, action: string): boolean {
  return list(actions).some((a) => wildcardMatch(a, action, true));
}

function statementApplies(s: PolicyStatement, req: AccessRequest): boolean {
  if (!principalMatches(s.Principal, req.principal)) return false;
  if (!actionMatches(s.Action as Values, req.action)) return false;
  if (!list(s.Resource as Values).some((r) => wildcardMatch(r, req.resource))) return false;
  for (const [operator, keys] of Object.entries(s.Condition ?? {})) {
    for (const [key, expected] of Object.entries(keys)) {
      if (!conditionHolds(operator, key, expected as Values, req.context)) return false;
    }
  }
  return true;
}

/**
 * The one policy decision lambkin makes for every push and cross-account call (invocation-semantics.md §8.3):
 * an applicable Deny wins, else an applicable Allow allows, else the request is implicitly denied.
 */
export function evaluatePolicy(statements: readonly PolicyStatement[], req: AccessRequest): Decision {
  let allowed = false;
  for (const s of statements) {
    if (!statementApplies(s, req)) continue;
    if (s.Effect === 'Deny') return 'deny';
    allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}

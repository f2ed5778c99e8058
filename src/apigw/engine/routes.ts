/**
 * Request path matching for REST API resources (`/items/{id}`, `/{proxy+}`) and HTTP API route keys
 * (`GET /items/{id}`, `ANY /{proxy+}`, `$default`). A literal part beats a `{param}`, which beats a greedy
 * `{name+}`; among equals the method beats `ANY`.
 */

/** Rank of one matched part: higher is more specific. */
const LITERAL = 3;
const PARAM = 2;
const GREEDY = 1;

export interface PathMatch {
  pathParameters: Record<string, string>;
  /** Ranks of the template's parts, compared left to right. */
  ranks: number[];
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const segmentsOf = (path: string): string[] => path.split('/').filter((s) => s !== '');

/** Matches a request path (percent-encoded, as sent) against a template; path parameters come back decoded. */
export function matchPath(template: string, rawPath: string): PathMatch | undefined {
  const want = segmentsOf(template);
  const got = segmentsOf(rawPath);
  const pathParameters: Record<string, string> = {};
  const ranks: number[] = [];
  for (let i = 0; i < want.length; i++) {
    const part = want[i]!;
    const greedy = /^\{([^{}]+)\+\}$/.exec(part);
    if (greedy) {
      if (i !== want.length - 1 || got.length <= i) return undefined;
      pathParameters[greedy[1]!] = decode(got.slice(i).join('/'));
      ranks.push(GREEDY);
      return { pathParameters, ranks };
    }
    if (i >= got.length) return undefined;
    const param = /^\{([^{}]+)\}$/.exec(part);
    if (param) {
      pathParameters[param[1]!] = decode(got[i]!);
      ranks.push(PARAM);
    } else if (part === decode(got[i]!)) {
      ranks.push(LITERAL);
    } else {
      return undefined;
    }
  }
  return got.length === want.length ? { pathParameters, ranks } : undefined;
}

/** Positive when `a` is more specific than `b`. */
function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The most specific template among `candidates` that matches `rawPath`. */
export function bestMatch<T>(candidates: Iterable<T>, templateOf: (c: T) => string, rawPath: string): { candidate: T; match: PathMatch } | undefined {
  let best: { candidate: T; match: PathMatch } | undefined;
  for (const candidate of candidates) {
    const match = matchPath(templateOf(candidate), rawPath);
    if (match && (!best || compareRanks(match.ranks, best.match.ranks) > 0)) best = { candidate, match };
  }
  return best;
}

/** `GET /items/{id}` → method and path; `$default` → undefined. */
export function parseRouteKey(routeKey: string): { method: string; path: string } | undefined {
  const m = /^([A-Z]+|ANY) (\/\S*)$/.exec(routeKey);
  return m ? { method: m[1]!, path: m[2]! } : undefined;
}

/**
 * HTTP API route selection: the most specific path among routes whose method is the request's or `ANY` (the exact
 * method wins on the same path), else `$default`.
 */
export function selectRoute<T extends { routeKey: string }>(routes: readonly T[], method: string, rawPath: string): { route: T; pathParameters: Record<string, string> } | undefined {
  let best: { route: T; match: PathMatch; exact: boolean } | undefined;
  for (const route of routes) {
    const key = parseRouteKey(route.routeKey);
    if (!key || (key.method !== method && key.method !== 'ANY')) continue;
    const match = matchPath(key.path, rawPath);
    if (!match) continue;
    const exact = key.method === method;
    const cmp = best ? compareRanks(match.ranks, best.match.ranks) : 1;
    if (cmp > 0 || (cmp === 0 && exact && !best!.exact)) best = { route, match, exact };
  }
  if (best) return { route: best.route, pathParameters: best.match.pathParameters };
  const fallback = routes.find((r) => r.routeKey === '$default');
  return fallback ? { route: fallback, pathParameters: {} } : undefined;
}

/** Method + path-pattern routing for REST services. Patterns match the raw path; captured groups are decoded. */
export interface Route<H> {
  method: string;
  pattern: RegExp;
  handler: H;
}

export type RouteMatch<H> = { handler: H; params: string[] } | { methodNotAllowed: true } | undefined;

export function matchRoute<H>(routes: readonly Route<H>[], method: string, path: string): RouteMatch<H> {
  let pathMatched = false;
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    if (route.method !== method) {
      pathMatched = true;
      continue;
    }
    return { handler: route.handler, params: m.slice(1).map(decodeParam) };
  }
  return pathMatched ? { methodNotAllowed: true } : undefined;
}

function decodeParam(raw: string | undefined): string {
  if (raw === undefined) return '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

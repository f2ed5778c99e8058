import type { HttpResponse } from '../../apigw/engine/proxy-response.js';
import type { FunctionUrlCors } from '../../store/store.js';

/**
 * CORS for function URLs (Lambda DG "Cross-origin resource sharing (CORS)" for function URLs): with `Cors`
 * configured, Lambda answers preflight requests itself and writes the `Access-Control-*` headers of actual
 * responses from the configuration, replacing any the function set.
 */

/** The Access-Control-Allow-Origin value for this origin, or undefined when the configuration does not allow it. */
export function allowedOrigin(cors: FunctionUrlCors, origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  const origins = cors.AllowOrigins ?? [];
  if (origins.includes('*')) return cors.AllowCredentials ? origin : '*';
  const wanted = origin.toLowerCase();
  return origins.some((o) => o.toLowerCase() === wanted) ? origin : undefined;
}

/** A preflight: OPTIONS with Origin and Access-Control-Request-Method. */
export function isPreflight(method: string, header: (name: string) => string | undefined): boolean {
  return method === 'OPTIONS' && header('origin') !== undefined && header('access-control-request-method') !== undefined;
}

/**
 * The answer to a preflight, without invoking the function. An origin the configuration does not allow gets no
 * `Access-Control-*` headers, so the browser refuses the actual request.
 */
export function preflightResponse(cors: FunctionUrlCors, origin: string | undefined): HttpResponse {
  const headers: Array<[string, string]> = [['Vary', 'Origin']];
  const allow = allowedOrigin(cors, origin);
  if (allow !== undefined) {
    headers.push(['Access-Control-Allow-Origin', allow]);
    if (cors.AllowMethods?.length) headers.push(['Access-Control-Allow-Methods', cors.AllowMethods.join(',')]);
    if (cors.AllowHeaders?.length) headers.push(['Access-Control-Allow-Headers', cors.AllowHeaders.join(',')]);
    if (cors.MaxAge !== undefined) headers.push(['Access-Control-Max-Age', String(cors.MaxAge)]);
    if (cors.AllowCredentials) headers.push(['Access-Control-Allow-Credentials', 'true']);
  }
  return { status: 200, headers, body: Buffer.alloc(0) };
}

/** An actual response's headers: the function's `Access-Control-*` headers give way to the configuration's. */
export function withCorsHeaders(cors: FunctionUrlCors, origin: string | undefined, headers: Array<[string, string]>): Array<[string, string]> {
  const out = headers.filter(([name]) => !name.toLowerCase().startsWith('access-control-'));
  // The answer depends on the Origin whether or not this one is allowed: caches must keep them apart.
  if (!out.some(([name]) => name.toLowerCase() === 'vary')) out.push(['Vary', 'Origin']);
  const allow = allowedOrigin(cors, origin);
  if (allow === undefined) return out;
  out.push(['Access-Control-Allow-Origin', allow]);
  if (cors.ExposeHeaders?.length) out.push(['Access-Control-Expose-Headers', cors.ExposeHeaders.join(',')]);
  if (cors.AllowCredentials) out.push(['Access-Control-Allow-Credentials', 'true']);
  return out;
}

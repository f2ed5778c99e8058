// Lazily loaded built-ins. Node's ESM wrapper for a built-in materialises its whole
// export namespace, so modules only needed off the hot path are fetched on first use
// through a CommonJS require instead of a static import.
import { createRequire } from 'node:module';

export const builtinRequire = createRequire(import.meta.url);

let util;
export function lazyUtil() {
  return (util ??= builtinRequire('node:util'));
}

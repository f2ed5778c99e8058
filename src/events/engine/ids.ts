import { createHash } from 'node:crypto';

/**
 * A UUID-shaped id derived from its parts: the same parts always give the same id. Schedule firings use it so a
 * firing repeated after a restart carries the ids of the first one and can be recognised (docs/eventbridge.md,
 * "Schedules across restarts").
 */
export function derivedId(...parts: Array<string | number>): string {
  const h = createHash('sha256').update(parts.join('\0')).digest('hex');
  // Version 8 ("custom") and the RFC 9562 variant bits, so the id is a well-formed UUID.
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

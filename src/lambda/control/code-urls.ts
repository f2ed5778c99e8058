import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { Store } from '../../store/store.js';

/**
 * GetFunction's `Code.Location`: like AWS's presigned S3 URL, a link that downloads the package without further
 * credentials and stops working after a while. Signed with a per-data-dir secret kept in the store.
 */
export class CodeUrls {
  private constructor(private readonly secret: Buffer, private readonly ttlMs: number, private readonly clock: Clock) {}

  static async open(store: Store, ttlMs: number, clock: Clock): Promise<CodeUrls> {
    let secret = await store.getMeta('code-url-secret');
    if (!secret) {
      secret = randomBytes(32).toString('hex');
      await store.setMeta('code-url-secret', secret);
    }
    return new CodeUrls(Buffer.from(secret, 'hex'), ttlMs, clock);
  }

  private sign(sha256Hex: string, expires: string): Buffer {
    return createHmac('sha256', this.secret).update(`${sha256Hex}\n${expires}`).digest();
  }

  url(origin: string, sha256Hex: string): string {
    const expires = String(this.clock.now() + this.ttlMs);
    return `${origin}/_lambkin/code/${sha256Hex}.zip?Expires=${expires}&Signature=${this.sign(sha256Hex, expires).toString('hex')}`;
  }

  verify(sha256Hex: string, expires: string | null, signature: string | null): boolean {
    if (!expires || !signature || !/^\d+$/.test(expires) || Number(expires) < this.clock.now()) return false;
    const given = Buffer.from(signature, 'hex');
    const want = this.sign(sha256Hex, expires);
    return given.length === want.length && timingSafeEqual(given, want);
  }
}

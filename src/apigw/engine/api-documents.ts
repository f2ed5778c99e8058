import { randomInt } from 'node:crypto';
import type { ApiRecord, ApiStore } from '../../store/store.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** API Gateway's identifiers: lower-case letters and digits (API ids 10 long, resources and deployments 6, ...). */
export function randomId(length: number): string {
  let id = '';
  for (let i = 0; i < length; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}

export interface Owned<T> {
  id: string;
  account: string;
  region: string;
  doc: T;
}

/**
 * The APIs of one kind, held in memory and written through to the store whole on every change (APIs are small
 * and changed rarely; the invoke path only reads).
 */
export class ApiDocuments<T> {
  private readonly byId = new Map<string, Owned<T>>();

  constructor(private readonly store: ApiStore, private readonly kind: ApiRecord['kind']) {}

  async load(): Promise<void> {
    for (const r of await this.store.all()) if (r.kind === this.kind) this.byId.set(r.id, { id: r.id, account: r.account, region: r.region, doc: r.doc as T });
  }

  /** The API if it exists and belongs to this account and region. */
  get(account: string, region: string, id: string): Owned<T> | undefined {
    const api = this.byId.get(id);
    return api && api.account === account && api.region === region ? api : undefined;
  }

  /** By id alone: the invoke front addresses APIs by id. */
  byApiId(id: string): Owned<T> | undefined {
    return this.byId.get(id);
  }

  list(account: string, region: string): Owned<T>[] {
    return [...this.byId.values()].filter((a) => a.account === account && a.region === region);
  }

  /** A fresh id no API of this kind uses. */
  newId(): string {
    for (;;) {
      const id = randomId(10);
      if (!this.byId.has(id)) return id;
    }
  }

  async save(api: Owned<T>): Promise<void> {
    this.byId.set(api.id, api);
    await this.store.put({ kind: this.kind, id: api.id, account: api.account, region: api.region, doc: api.doc });
  }

  async remove(id: string): Promise<void> {
    this.byId.delete(id);
    await this.store.delete(this.kind, id);
  }
}

import { Worker } from 'node:worker_threads';
import type { AsyncEventChange, QueueChange } from '../store.js';
import type { Synchronous } from './open-db.js';

/** What the writer thread applies, by table group. */
export type WriteRequest =
  | { id: number; kind: 'queues'; changes: readonly QueueChange[] }
  | { id: number; kind: 'asyncEvents'; changes: readonly AsyncEventChange[] };

type Changes<K extends WriteRequest['kind']> = Extract<WriteRequest, { kind: K }>['changes'];

export interface WriteReply {
  id: number;
  error?: string;
}

/**
 * The worker's code. Built, it imports the compiled writer-worker.js. Run from TypeScript source (tests, `tsx`), the
 * worker first registers tsx's loader: on Node 20 a worker does not inherit the parent's module hooks.
 */
function workerSource(): string {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = JSON.stringify(new URL(`./writer-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url).href);
  return fromSource ? `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); });` : `import(${entry});`;
}

/**
 * Main-thread side of the writer thread (writer-worker.ts). A write resolves once its transaction is committed
 * with the database's durability setting; writes are applied in the order they were handed in.
 */
export class SqliteWriter {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  private nextId = 1;
  private failure: Error | undefined;
  private readonly exited: Promise<void>;

  constructor(file: string, synchronous: Synchronous) {
    this.worker = new Worker(workerSource(), { eval: true, workerData: { file, synchronous } });
    this.worker.on('message', (reply: WriteReply) => this.settle(reply));
    this.worker.on('error', (err) => this.fail(err));
    this.exited = new Promise((resolve) => this.worker.once('exit', () => {
      this.fail(new Error('the store writer thread has stopped'));
      resolve();
    }));
  }

  apply<K extends WriteRequest['kind']>(kind: K, changes: Changes<K>): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, kind, changes } as WriteRequest);
    });
  }

  /**
   * Ends the thread after the writes handed in so far: it takes requests in order, so it answers them all before
   * it reads the close.
   */
  async close(): Promise<void> {
    this.worker.postMessage('close');
    await this.exited;
  }

  private settle(reply: WriteReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (reply.error === undefined) p.resolve();
    else p.reject(new Error(`store write failed: ${reply.error}`));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
  }
}

import { Worker } from 'node:worker_threads';
import type { MappedResponse, RequestMapping } from './custom-integration.js';
import { TemplateError, type TemplateInput } from './mapping-template.js';
import type { Integration, IntegrationResponse } from './rest-api.js';

export type TemplateJob =
  | { kind: 'request'; integration: Integration; contentType: string | undefined; input: TemplateInput }
  | { kind: 'response'; integration: Integration; functionError: boolean; payload: string; input: TemplateInput };

type ResponseMapping = { selected?: IntegrationResponse; answer?: MappedResponse };

interface Pending {
  id: number;
  job: TemplateJob;
  timeoutMs: number;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/**
 * The worker's module. Worker threads do not inherit a TypeScript loader, so when lambkin runs from its sources
 * (the tests import src/ through tsx) the worker is the built copy, which `npm test` builds first.
 */
const WORKER_URL = import.meta.url.endsWith('.ts')
  ? new URL('../../../dist/apigw/engine/template-worker.js', import.meta.url)
  : new URL('./template-worker.js', import.meta.url);

/**
 * A small pool of worker threads for REST API mapping work, so a slow template or selection pattern holds one
 * worker (until its time is up, when the worker is replaced) and never the event loop that serves everything else.
 * Jobs wait for a free worker.
 */
export class TemplateRunner {
  private readonly idle: Worker[] = [];
  private readonly queue: Pending[] = [];
  private workers = 0;
  private nextId = 0;
  private closed = false;

  constructor(private readonly maxWorkers = 2) {}

  mapRequest(job: Omit<Extract<TemplateJob, { kind: 'request' }>, 'kind'>, timeoutMs: number): Promise<RequestMapping> {
    return this.run({ kind: 'request', ...job }, timeoutMs) as Promise<RequestMapping>;
  }

  mapResponse(job: Omit<Extract<TemplateJob, { kind: 'response' }>, 'kind'>, timeoutMs: number): Promise<ResponseMapping> {
    return this.run({ kind: 'response', ...job }, timeoutMs) as Promise<ResponseMapping>;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new TemplateError('lambkin is stopping'));
    await Promise.all(this.idle.splice(0).map((w) => w.terminate()));
  }

  private run(job: TemplateJob, timeoutMs: number): Promise<unknown> {
    if (this.closed) return Promise.reject(new TemplateError('lambkin is stopping'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, job, timeoutMs, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let worker = this.idle.pop();
      if (!worker) {
        if (this.workers >= this.maxWorkers) return;
        worker = new Worker(WORKER_URL);
        worker.unref();
        this.workers++;
      }
      this.dispatch(worker, this.queue.shift()!);
    }
  }

  private dispatch(worker: Worker, p: Pending): void {
    const done = (): void => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
    };
    const onMessage = (m: { id: number; result?: unknown; error?: string; template?: boolean }): void => {
      if (m.id !== p.id) return;
      done();
      this.idle.push(worker);
      if (m.error !== undefined) p.reject(m.template ? new TemplateError(m.error) : new Error(m.error));
      else p.resolve(m.result);
      this.pump();
    };
    const onError = (err: Error): void => {
      done();
      this.retire(worker);
      p.reject(err);
    };
    const timer = setTimeout(() => {
      done();
      this.retire(worker);
      p.reject(new TemplateError(`the mapping took longer than ${p.timeoutMs} ms`));
    }, p.timeoutMs);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.postMessage({ id: p.id, job: p.job });
  }

  /** A worker stuck in a job (or broken) is terminated; the next job starts a fresh one. */
  private retire(worker: Worker): void {
    this.workers--;
    void worker.terminate();
    this.pump();
  }
}

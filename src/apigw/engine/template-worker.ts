/**
 * Runs REST API mapping work (request templates, selection patterns, response templates) off the event loop: the
 * templates and patterns are the API owner's, the input is the client's, and either can be slow (a backtracking
 * regex, a heavy loop). Messages: `{ id, job }` in, `{ id, result }` or `{ id, error, template }` out.
 */
import { parentPort } from 'node:worker_threads';
import { mapRequest, mapResponse, selectResponse } from './custom-integration.js';
import { TemplateError } from './mapping-template.js';
import type { TemplateJob } from './template-runner.js';

function run(job: TemplateJob): unknown {
  if (job.kind === 'request') return mapRequest(job.integration, job.contentType, job.input);
  const selected = selectResponse(job.integration, job.functionError, job.payload);
  return selected ? { selected, answer: mapResponse(selected, job.payload, job.input) } : {};
}

parentPort!.on('message', ({ id, job }: { id: number; job: TemplateJob }) => {
  try {
    parentPort!.postMessage({ id, result: run(job) });
  } catch (err) {
    parentPort!.postMessage({ id, error: (err as Error).message, template: err instanceof TemplateError });
  }
});

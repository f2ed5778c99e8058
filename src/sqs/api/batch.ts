import { AwsError } from '../../core/errors.js';
import { queryCodeOf, sqsError } from '../errors.js';
import type { Input } from './input.js';

/** The rules every SQS batch request shares (SQS API Reference, SendMessageBatch / DeleteMessageBatch / ...). */

const MAX_ENTRIES = 10;
const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * The batch's entries and their ids, after the whole-request checks: at least one entry, at most ten, every Id
 * 1–80 of [A-Za-z0-9_-], no Id twice. `entryName` is the entry shape's name, which SQS's message cites.
 */
export function batchEntries(input: Input, entryName: string): { entries: Input[]; ids: string[] } {
  const entries = input.requiredList('Entries');
  if (entries.length === 0) throw sqsError('EmptyBatchRequest', `There should be at least one ${entryName} in the request.`);
  if (entries.length > MAX_ENTRIES) {
    throw sqsError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are ${MAX_ENTRIES}. You have sent ${entries.length}.`);
  }
  const ids = entries.map((e) => e.string('Id') ?? '');
  for (const id of ids) {
    if (!ENTRY_ID.test(id)) {
      throw sqsError('InvalidBatchEntryId', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.');
    }
  }
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw sqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
    seen.add(id);
  }
  return { entries, ids };
}

/**
 * Runs a batch: `prepare` reads each entry (its failure is that entry's), `run` hands the prepared ones to the engine
 * in one call and answers per entry (an AwsError fails that entry). Results line up with `entries`.
 */
export async function runEntries<T, R>(
  entries: readonly Input[],
  prepare: (entry: Input) => T,
  run: (prepared: T[]) => Promise<(R | AwsError | undefined)[]>,
): Promise<(R | AwsError | undefined)[]> {
  const results: (R | AwsError | undefined)[] = new Array(entries.length);
  const prepared: T[] = [];
  const positions: number[] = [];
  entries.forEach((entry, i) => {
    try {
      prepared.push(prepare(entry));
      positions.push(i);
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      results[i] = err;
    }
  });
  const ran = prepared.length ? await run(prepared) : [];
  ran.forEach((r, j) => {
    results[positions[j]!] = r;
  });
  return results;
}

/** `Successful` / `Failed` lists as SQS returns them; both are always present (the model marks them required). */
export function batchOutput<R>(
  ids: readonly string[],
  results: readonly (R | AwsError | undefined)[],
  success: (id: string, result: R | undefined) => Record<string, unknown>,
): Record<string, unknown> {
  const Successful: Record<string, unknown>[] = [];
  const Failed: Record<string, unknown>[] = [];
  results.forEach((r, i) => {
    const id = ids[i]!;
    if (r instanceof AwsError) Failed.push(failedEntry(id, r));
    else Successful.push(success(id, r));
  });
  return { Successful, Failed };
}

/**
 * BatchResultErrorEntry. The entry's Code is data from SQS's query-era backend, so it is the query code
 * (`AWS.SimpleQueueService.MessageNotInflight`, `ReceiptHandleIsInvalid`, `InvalidParameterValue`) in both protocols.
 */
function failedEntry(id: string, err: AwsError): Record<string, unknown> {
  return { Id: id, SenderFault: err.status < 500, Code: queryCodeOf(err), Message: err.message };
}

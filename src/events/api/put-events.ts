import { parseEventJson } from '../../core/event-pattern.js';
import { Constraints } from '../../core/validation.js';
import { putOnBus } from '../engine/bus.js';
import type { EventsContext } from './context.js';
import { validation } from './errors.js';
import { busName, inputs, type Input } from './input.js';

/** The times an event's `time` can show (`YYYY-MM-DDThh:mm:ssZ`): years 0001 to 9999. */
const MIN_TIME_MS = -62_135_596_800_000; // 0001-01-01T00:00:00Z
const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** PutEvents quota: the entries of one request, measured as AWS does ("Calculating PutEvents event entry size"). */
const MAX_REQUEST_BYTES = 256 * 1024;

type ResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

interface Entry {
  source?: string;
  detailType?: string;
  detail?: string;
  resources: string[];
  timeMs?: number;
  bus?: string;
}

function readEntry(item: Input, i: number, c: Constraints): Entry {
  const at = (m: string) => `entries.${i + 1}.member.${m}`;
  const entry: Entry = { resources: [] };
  const source = item.string('Source');
  const detailType = item.string('DetailType');
  const detail = item.string('Detail');
  const time = item.number('Time');
  const bus = item.string('EventBusName');
  const resources = item.list('Resources');
  c.length(bus, at('eventBusName'), 1, 1600).length(item.string('TraceHeader'), at('traceHeader'), 1, 500);
  if (source !== undefined) entry.source = source;
  if (detailType !== undefined) entry.detailType = detailType;
  if (detail !== undefined) entry.detail = detail;
  if (time !== undefined) entry.timeMs = Math.round(time * 1000);
  if (bus !== undefined) entry.bus = bus;
  for (const r of resources ?? []) {
    if (typeof r !== 'string') throw validation('Parameter Resources is not valid. Reason: every resource must be a string.');
    entry.resources.push(r);
  }
  return entry;
}

/** An entry's size as EventBridge counts it: 14 bytes for a Time, the UTF-8 bytes of the other fields. */
function entrySize(e: Entry): number {
  const bytes = (s: string | undefined) => (s === undefined ? 0 : Buffer.byteLength(s));
  return (e.timeMs !== undefined ? 14 : 0) + bytes(e.source) + bytes(e.detailType) + bytes(e.detail) + e.resources.reduce((n, r) => n + bytes(r), 0);
}

/** Why an entry is refused, as PutEventsResultEntry's ErrorCode and ErrorMessage; undefined when it is fine. */
function entryError(e: Entry, ctx: { account: string; region: string }): { ErrorCode: string; ErrorMessage: string } | undefined {
  const missing = (name: string) => ({
    ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${name} is not valid. Reason: ${name} is a required argument.`,
  });
  if (e.source === undefined) return missing('Source');
  if (e.detailType === undefined) return missing('DetailType');
  if (e.detail === undefined) return missing('Detail');
  if (e.source.startsWith('aws.')) return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
  if (e.timeMs !== undefined && !(e.timeMs >= MIN_TIME_MS && e.timeMs <= MAX_TIME_MS)) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Time is not valid. Reason: Time must be a timestamp between the years 0001 and 9999.' };
  }
  let parsed: unknown;
  try {
    // The matcher's reader: it also refuses a detail nested deeper than events may be.
    parsed = parseEventJson(e.detail);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  try {
    busName(e.bus, ctx);
  } catch (err) {
    return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: (err as Error).message };
  }
  return undefined;
}

/**
 * PutEvents: each valid entry becomes an event on the default bus, matched against every enabled pattern rule with
 * the shared pattern matcher, and pushed to each matching rule's targets. All pushes are accepted (durable) before
 * the answer, so an acknowledged event reaches its functions even if lambkin is killed right after.
 */
export async function putEvents(ctx: EventsContext, input: Input): Promise<unknown> {
  const list = input.list('Entries');
  const c = new Constraints().required(list, 'entries').count(list, 'entries', 1, 10);
  const entries = inputs(list, 'Entries').map((item, i) => readEntry(item, i, c));
  c.check();
  if (entries.reduce((n, e) => n + entrySize(e), 0) >= MAX_REQUEST_BYTES) {
    throw validation('Total size of the entries in the request is over the limit.');
  }
  const now = ctx.clock.now();
  // Every entry is checked before the first is put on the bus: nothing can fail once a delivery started.
  const errors = entries.map((e) => entryError(e, ctx));
  const results: ResultEntry[] = [];
  const pushes: Promise<unknown>[] = [];
  for (const [i, e] of entries.entries()) {
    const error = errors[i];
    if (error) {
      results.push(error);
      continue;
    }
    const put = await putOnBus(ctx, ctx, busName(e.bus, ctx), {
      source: e.source!, detailType: e.detailType!, detail: e.detail!, resources: e.resources, timeMs: e.timeMs ?? now,
    }, now);
    results.push({ EventId: put.id });
    pushes.push(put.delivered);
  }
  await Promise.all(pushes);
  return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
}

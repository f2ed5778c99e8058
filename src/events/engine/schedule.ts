/**
 * EventBridge schedule expressions (EventBridge UG "Schedule expressions for rules"): `rate(value unit)` and the
 * six-field `cron(minutes hours day-of-month month day-of-week year)`, always in UTC. The next fire time is
 * computed, never polled for.
 */

export class ScheduleError extends Error {}

export type Schedule =
  | { kind: 'rate'; everyMs: number }
  | { kind: 'cron'; fields: CronFields };

interface CronFields {
  minutes: Set<number>;
  hours: Set<number>;
  /** undefined: `?` (the day-of-week field decides). */
  days?: DayOfMonth;
  months: Set<number>;
  /** undefined: `?` (the day-of-month field decides). */
  weekdays?: DayOfWeek;
  years: Set<number>;
}

type DayOfMonth = { values: Set<number> } | { last: number } | { nearestWeekday: number } | { lastWeekday: true };
/** Weekdays 1–7 = SUN–SAT, as AWS counts them; `lastOf`: `5L`; `nth`: `3#2`. */
type DayOfWeek = { values: Set<number> } | { lastOf: number } | { nth: { weekday: number; n: number } };

const MINUTE = 60_000;
const RATE_UNITS: Readonly<Record<string, number>> = { minute: MINUTE, hour: 60 * MINUTE, day: 24 * 60 * MINUTE };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const YEAR_MIN = 1970;
const YEAR_MAX = 2199;

export function parseSchedule(expression: string): Schedule {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2]!;
    // "If the value is equal to 1, then the unit must be singular"; otherwise plural.
    if (value < 1 || (value === 1) !== !unit.endsWith('s')) throw new ScheduleError(`invalid rate: ${expression}`);
    return { kind: 'rate', everyMs: value * RATE_UNITS[unit.replace(/s$/, '')]! };
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) throw new ScheduleError(`not a rate() or cron() expression: ${expression}`);
  return { kind: 'cron', fields: parseCron(cron[1]!.trim().split(/\s+/)) };
}

function parseCron(parts: string[]): CronFields {
  if (parts.length !== 6) throw new ScheduleError('cron() takes six fields');
  const [min, hour, dom, month, dow, year] = parts as [string, string, string, string, string, string];
  // Exactly one of day-of-month and day-of-week is `?` (EventBridge rule).
  if ((dom === '?') === (dow === '?')) throw new ScheduleError('one of day-of-month and day-of-week must be ?');
  const fields: CronFields = {
    minutes: values(min, 0, 59),
    hours: values(hour, 0, 23),
    months: values(month, 1, 12, MONTHS),
    years: values(year, YEAR_MIN, YEAR_MAX),
  };
  if (dom !== '?') fields.days = dayOfMonth(dom);
  if (dow !== '?') fields.weekdays = dayOfWeek(dow);
  return fields;
}

function dayOfMonth(text: string): DayOfMonth {
  if (text === 'L') return { last: 0 };
  if (text === 'LW') return { lastWeekday: true };
  const back = /^L-(\d{1,2})$/.exec(text);
  if (back) return { last: inRange(Number(back[1]), 0, 30) };
  const w = /^(\d{1,2})W$/.exec(text);
  if (w) return { nearestWeekday: inRange(Number(w[1]), 1, 31) };
  return { values: values(text, 1, 31) };
}

function dayOfWeek(text: string): DayOfWeek {
  const last = /^([1-7]|[A-Z]{3})L$/.exec(text);
  if (last) return { lastOf: single(last[1]!, 1, 7, WEEKDAYS) };
  const nth = /^([1-7]|[A-Z]{3})#([1-5])$/.exec(text);
  if (nth) return { nth: { weekday: single(nth[1]!, 1, 7, WEEKDAYS), n: Number(nth[2]) } };
  return { values: values(text, 1, 7, WEEKDAYS) };
}

/** `*`, `a`, `a-b`, `*\/n`, `a/n`, `a-b/n`, comma lists of those; names for months and weekdays. */
function values(text: string, min: number, max: number, names?: string[]): Set<number> {
  const out = new Set<number>();
  for (const item of text.split(',')) {
    const [range, stepText] = item.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : inRange(Number(stepText), 1, max - min + 1);
    if (stepText !== undefined && !/^\d+$/.test(stepText)) throw new ScheduleError(`bad step: ${item}`);
    let from = min;
    let to = max;
    if (range !== '*') {
      const [a, b] = range.split('-') as [string, string | undefined];
      from = single(a, min, max, names);
      to = b === undefined ? (stepText === undefined ? from : max) : single(b, min, max, names);
      if (to < from) throw new ScheduleError(`bad range: ${item}`);
    }
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

function single(text: string, min: number, max: number, names?: string[]): number {
  const named = names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + 1;
  if (!/^\d+$/.test(text)) throw new ScheduleError(`bad value: ${text}`);
  return inRange(Number(text), min, max);
}

function inRange(n: number, min: number, max: number): number {
  if (!Number.isInteger(n) || n < min || n > max) throw new ScheduleError(`value ${n} outside ${min}-${max}`);
  return n;
}

/**
 * The first fire time strictly after `afterMs` (UTC), or undefined when the schedule never fires again. A rate
 * counts from `anchorMs` (when the rule was created or enabled), so its times do not drift.
 */
export function nextFire(schedule: Schedule, afterMs: number, anchorMs: number): number | undefined {
  if (schedule.kind === 'rate') {
    const n = Math.floor((afterMs - anchorMs) / schedule.everyMs) + 1;
    return anchorMs + Math.max(1, n) * schedule.everyMs;
  }
  return nextCron(schedule.fields, afterMs);
}

function nextCron(f: CronFields, afterMs: number): number | undefined {
  const start = new Date(Math.floor(afterMs / MINUTE) * MINUTE + MINUTE);
  const lastYear = Math.max(...f.years);
  for (let day = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()); ; day += 24 * 60 * MINUTE) {
    const d = new Date(day);
    const year = d.getUTCFullYear();
    if (year > lastYear) return undefined;
    if (!f.years.has(year) || !f.months.has(d.getUTCMonth() + 1) || !dayMatches(f, d)) continue;
    const fromMinute = day < start.getTime() ? start.getUTCHours() * 60 + start.getUTCMinutes() : 0;
    for (let m = fromMinute; m < 24 * 60; m++) {
      if (f.hours.has(Math.floor(m / 60)) && f.minutes.has(m % 60)) return day + m * MINUTE;
    }
  }
}

function daysInMonth(d: Date): number {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
}

function dayMatches(f: CronFields, d: Date): boolean {
  const date = d.getUTCDate();
  const weekday = d.getUTCDay() + 1;
  const last = daysInMonth(d);
  if (f.days) {
    const r = f.days;
    if ('values' in r) return r.values.has(date);
    if ('last' in r) return date === last - r.last;
    if ('lastWeekday' in r) return date === nearestWeekday(d, last, last);
    return date === nearestWeekday(d, Math.min(r.nearestWeekday, last), last);
  }
  const w = f.weekdays!;
  if ('values' in w) return w.values.has(weekday);
  if ('lastOf' in w) return weekday === w.lastOf && date + 7 > last;
  return weekday === w.nth.weekday && Math.ceil(date / 7) === w.nth.n;
}

/** The weekday nearest to `target` within the same month (a Saturday moves to Friday, a Sunday to Monday). */
function nearestWeekday(d: Date, target: number, last: number): number {
  const weekday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), target)).getUTCDay();
  if (weekday === 6) return target === 1 ? 3 : target - 1;
  if (weekday === 0) return target === last ? target - 2 : target + 1;
  return target;
}

import { parsePattern, type EventPattern } from '../../core/event-pattern.js';
import type { EventRuleRecord, EventsStore } from '../../store/store.js';

export const DEFAULT_BUS = 'default';

/** The rule's ARN: `rule/<name>` on the default bus, `rule/<bus>/<name>` on a custom one. */
export function ruleArn(r: Pick<EventRuleRecord, 'region' | 'account' | 'eventBusName' | 'name'>): string {
  const path = r.eventBusName === DEFAULT_BUS ? r.name : `${r.eventBusName}/${r.name}`;
  return `arn:aws:events:${r.region}:${r.account}:rule/${path}`;
}

export const ruleKey = (account: string, region: string, bus: string, name: string): string => `${account}\0${region}\0${bus}\0${name}`;
const keyOf = (r: EventRuleRecord) => ruleKey(r.account, r.region, r.eventBusName, r.name);

/** A rule as the engine uses it: the record, its compiled pattern, and the scheduled time it last fired for. */
export interface LiveRule {
  key: string;
  record: EventRuleRecord;
  arn: string;
  pattern?: EventPattern;
  lastFireMs?: number;
}

export const isEnabled = (r: EventRuleRecord): boolean => r.state !== 'DISABLED';

/**
 * Every rule, held in memory (PutEvents matches without touching disk) and written through to the store before a
 * change is visible. Listeners (the scheduler) hear of every change at once.
 */
export class EventRules {
  private readonly rules = new Map<string, LiveRule>();
  private readonly listeners: Array<(key: string) => void> = [];

  private constructor(private readonly store: EventsStore) {}

  static async open(store: EventsStore): Promise<EventRules> {
    const rules = new EventRules(store);
    for (const s of await store.all()) {
      const live = rules.live(s.rule);
      if (s.lastFireMs !== undefined) live.lastFireMs = s.lastFireMs;
      rules.rules.set(live.key, live);
    }
    return rules;
  }

  onChange(listener: (key: string) => void): void {
    this.listeners.push(listener);
  }

  get(account: string, region: string, bus: string, name: string): LiveRule | undefined {
    return this.rules.get(ruleKey(account, region, bus, name));
  }

  byKey(key: string): LiveRule | undefined {
    return this.rules.get(key);
  }

  /** The bus's rules ordered by name. */
  list(account: string, region: string, bus: string): LiveRule[] {
    return [...this.rules.values()]
      .filter((r) => r.record.account === account && r.record.region === region && r.record.eventBusName === bus)
      .sort((a, b) => (a.record.name < b.record.name ? -1 : a.record.name > b.record.name ? 1 : 0));
  }

  /** Enabled rules with an event pattern on the bus: the ones PutEvents matches. */
  patternRules(account: string, region: string, bus: string): LiveRule[] {
    return this.list(account, region, bus).filter((r) => r.pattern !== undefined && isEnabled(r.record));
  }

  all(): LiveRule[] {
    return [...this.rules.values()];
  }

  async put(record: EventRuleRecord): Promise<LiveRule> {
    const live = this.live(record);
    await this.store.putRule(record);
    const before = this.rules.get(live.key);
    if (before?.lastFireMs !== undefined) live.lastFireMs = before.lastFireMs;
    this.rules.set(live.key, live);
    this.changed(live.key);
    return live;
  }

  async delete(rule: LiveRule): Promise<void> {
    const r = rule.record;
    await this.store.deleteRule(r.account, r.region, r.eventBusName, r.name);
    this.rules.delete(rule.key);
    this.changed(rule.key);
  }

  /**
   * Records the scheduled time a rule fired for. The store write happens before this returns control to the event
   * loop (no await before it; the SQLite store commits synchronously), which the scheduler's restart rule relies
   * on (docs/eventbridge.md, "Schedules across restarts").
   */
  noteFired(key: string, fireMs: number): Promise<void> {
    const live = this.rules.get(key);
    if (!live) return Promise.resolve();
    live.lastFireMs = fireMs;
    const r = live.record;
    return this.store.noteFired(r.account, r.region, r.eventBusName, r.name, fireMs);
  }

  private live(record: EventRuleRecord): LiveRule {
    const live: LiveRule = { key: keyOf(record), record, arn: ruleArn(record) };
    if (record.eventPattern !== undefined) live.pattern = parsePattern(record.eventPattern);
    return live;
  }

  private changed(key: string): void {
    for (const l of this.listeners) l(key);
  }
}

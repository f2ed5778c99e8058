/** The EventBridge event envelope (event-sources.md §4.3); `time` has second precision and a `Z`. */
export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

export function eventTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export function envelope(e: Omit<EventEnvelope, 'version' | 'time'> & { timeMs: number }): EventEnvelope {
  return {
    version: '0', id: e.id, 'detail-type': e['detail-type'], source: e.source, account: e.account, time: eventTime(e.timeMs), region: e.region,
    resources: e.resources, detail: e.detail,
  };
}

/** What a schedule rule sends its targets at each firing. */
export function scheduledEvent(id: string, ruleArn: string, account: string, region: string, timeMs: number): EventEnvelope {
  return envelope({ id, 'detail-type': 'Scheduled Event', source: 'aws.events', account, region, resources: [ruleArn], detail: {}, timeMs });
}

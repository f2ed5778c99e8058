import type { FunctionBacklog } from '../lambda/async/async-invocations.js';

const COLUMNS = ['queued', 'running', 'retrying', 'oldest age', 'destination failures', 'DLQ errors'] as const;

function age(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** `lambkin status` as text: the server's health line, then one row per function with async events. */
export function statusText(url: string, health: Record<string, any>, backlog: FunctionBacklog[]): string {
  const env = health.environments ?? {};
  const lines = [
    `lambkin ${health.version} at ${url}: ${health.status}, sandbox ${health.sandbox}, ` +
      `${env.busy ?? 0} busy / ${env.idle ?? 0} idle environments, ${env.spares ?? 0} spare runtimes`,
  ];
  if (backlog.length === 0) {
    lines.push('async events: none waiting or running');
    return lines.join('\n');
  }
  const rows = backlog.map((b) => [
    b.functionArn, String(b.queued), String(b.running), String(b.retrying), age(b.oldestAgeMs), String(b.destinationDeliveryFailures),
    String(b.deadLetterErrors),
  ]);
  const header = ['function', ...COLUMNS];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  lines.push('async events:', fmt(header), ...rows.map(fmt));
  return lines.join('\n');
}

import { pino, type Logger } from 'pino';

/** A logger for createLambkin whose JSON lines are kept, parsed, to check what lambkin logged (refusals, errors). */
export function capturedLogger(level = 'warn'): { logger: Logger; lines: Record<string, any>[] } {
  const lines: Record<string, any>[] = [];
  const logger = pino({ level }, {
    write: (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim()) lines.push(JSON.parse(line));
    },
  });
  return { logger, lines };
}

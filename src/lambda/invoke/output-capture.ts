import type { Readable } from 'node:stream';

/**
 * Reads an environment's stdout and stderr, one callback per line, and counts the bytes received so that an
 * invocation can wait until every byte the runtime reported writing (its `Lambkin-Log-Bytes` header) has arrived.
 */
export class OutputCapture {
  private readonly received = [0, 0];
  private readonly partial = ['', ''];
  private waiter: { want: [number, number]; done: () => void } | undefined;

  constructor(stdout: Readable, stderr: Readable, private readonly onLine: (line: string) => void) {
    this.attach(stdout, 0);
    this.attach(stderr, 1);
  }

  private attach(stream: Readable, index: 0 | 1): void {
    stream.on('data', (chunk: Buffer) => {
      this.received[index]! += chunk.length;
      const text = this.partial[index] + chunk.toString('utf8');
      const lines = text.split('\n');
      this.partial[index] = lines.pop()!;
      for (const line of lines) this.onLine(line);
      this.checkWaiter();
    });
  }

  /** Emits a line that has no newline yet (used when the process is gone or an invocation ends). */
  flushPartial(): void {
    for (const i of [0, 1]) {
      if (this.partial[i]) this.onLine(this.partial[i]!);
      this.partial[i] = '';
    }
  }

  private checkWaiter(): void {
    const w = this.waiter;
    if (w && this.received[0]! >= w.want[0] && this.received[1]! >= w.want[1]) {
      this.waiter = undefined;
      w.done();
    }
  }

  /** Resolves once `stdout`/`stderr` byte totals are reached, or after `maxMs` (a runtime that lied or died). */
  waitFor(header: string | undefined, maxMs: number): Promise<void> | undefined {
    if (!header) return undefined;
    const [out, err] = header.split(',').map(Number);
    const want: [number, number] = [out || 0, err || 0];
    if (this.received[0]! >= want[0] && this.received[1]! >= want[1]) return undefined;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve();
      }, maxMs);
      this.waiter = { want, done: () => (clearTimeout(timer), resolve()) };
    });
  }
}

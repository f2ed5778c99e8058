import fs from 'node:fs';
import path from 'node:path';

const FLUSH_MS = 50;

/**
 * One log stream (one execution environment) written to
 * `<dataDir>/logs/<account>/<region>/<log group>/<log stream>.log`, names percent-encoded.
 * Appends are buffered and flushed together so that the invoke path never waits for the disk.
 */
export class LogStreamFile {
  private buffer: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly stream: fs.WriteStream;

  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    this.stream = fs.createWriteStream(file, { flags: 'a', mode: 0o600 });
    this.stream.on('error', () => undefined);
  }

  append(text: string): void {
    this.buffer.push(text);
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS).unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return;
    this.stream.write(this.buffer.join(''));
    this.buffer = [];
  }

  close(): void {
    this.flush();
    this.stream.end();
  }
}

export class FunctionLogs {
  constructor(private readonly dataDir: string) {}

  open(account: string, region: string, logGroup: string, logStream: string): LogStreamFile {
    const file = path.join(
      this.dataDir, 'logs', account, region, encodeURIComponent(logGroup), `${encodeURIComponent(logStream)}.log`,
    );
    return new LogStreamFile(file);
  }
}

/**
 * Group commit: changes handed in during one turn of the event loop are written together, and each caller's
 * promise resolves once the write holding its changes is durable. "Accepted means durable" stays true while many
 * accepts share one transaction (DESIGN §2). Writes are handed to `write` without waiting for the previous one to
 * finish: the writer applies them in order (the store's writer thread does, and groups what queued up meanwhile).
 */
export class GroupCommit<T> {
  private pending: T[] = [];
  private waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  private scheduled = false;
  /** The last write handed to `write`: once it settles, every earlier one has too. */
  private last: Promise<void> = Promise.resolve();

  /**
   * `delayMs` 0 writes at the end of the current turn of the event loop; more gathers changes for that long first
   * (fewer, larger transactions, for changes whose callers do not wait on them).
   */
  constructor(private readonly write: (items: T[]) => Promise<void>, private readonly delayMs = 0) {}

  add(items: readonly T[]): Promise<void> {
    for (const item of items) this.pending.push(item);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.scheduled) {
      this.scheduled = true;
      // setImmediate lets every request read in this turn of the event loop join the same transaction.
      if (this.delayMs > 0) setTimeout(() => this.run(), this.delayMs);
      else setImmediate(() => this.run());
    }
    return done;
  }

  /** Resolves when everything handed in so far is written (or has failed). */
  async flush(): Promise<void> {
    while (this.scheduled) await new Promise<void>((r) => setImmediate(r));
    await this.last.catch(() => undefined);
  }

  private run(): void {
    this.scheduled = false;
    const items = this.pending;
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    this.last = this.write(items).then(
      () => { for (const w of waiters) w.resolve(); },
      (err) => { for (const w of waiters) w.reject(err); },
    );
  }
}

/**
 * Group commit: changes handed in while a write is being prepared or is under way are written together, and each
 * caller's promise resolves once the write holding its changes is durable. "Accepted means durable" stays true
 * while many accepts share one transaction (DESIGN §2).
 */
export class GroupCommit<T> {
  private pending: T[] = [];
  private waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  private scheduled = false;
  private writing: Promise<void> | undefined;

  constructor(private readonly write: (items: T[]) => Promise<void>) {}

  add(items: readonly T[]): Promise<void> {
    for (const item of items) this.pending.push(item);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.schedule();
    return done;
  }

  /** Resolves when everything handed in so far is written. */
  async flush(): Promise<void> {
    while (this.scheduled || this.writing || this.pending.length) {
      if (this.writing) await this.writing.catch(() => undefined);
      else await new Promise<void>((r) => setImmediate(r));
    }
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate lets every request read in this turn of the event loop join the same transaction.
    setImmediate(() => {
      this.scheduled = false;
      void this.run();
    });
  }

  private async run(): Promise<void> {
    const items = this.pending;
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    this.writing = this.write(items);
    try {
      await this.writing;
      for (const w of waiters) w.resolve();
    } catch (err) {
      for (const w of waiters) w.reject(err);
    } finally {
      this.writing = undefined;
      if (this.pending.length) this.schedule();
    }
  }
}

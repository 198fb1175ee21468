export interface Backoff {
  baseMs: number;
  maxMs: number;
}

/** Exponential backoff with "equal jitter": half the delay is fixed, half random. */
export function backoffDelay(attempt: number, { baseMs, maxMs }: Backoff, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** A sleep that `wake()` can cut short (new work arrived, or we are stopping). */
export class Sleeper {
  private timer: NodeJS.Timeout | undefined;
  private resolve: (() => void) | undefined;
  private stopped = false;
  /** A wake that came while nobody slept: the next sleep returns at once, so it is not lost. */
  private woken = false;

  sleep(ms: number): Promise<void> {
    // once stopped, a loop finishing its last round must not start a long wait
    if (this.stopped || this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.timer = setTimeout(() => this.wake(), ms);
    });
  }

  /** Ends the current sleep and every later one at once. */
  stop(): void {
    this.stopped = true;
    this.wake();
  }

  wake(): void {
    clearTimeout(this.timer);
    const resolve = this.resolve;
    this.resolve = undefined;
    if (resolve) resolve();
    else this.woken = true;
  }
}

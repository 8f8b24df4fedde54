/** Runs at most `limit` async jobs at once; the others wait in FIFO order. */
export interface Limiter {
  run<T>(job: () => Promise<T>): Promise<T>;
  /** Jobs running now. */
  readonly active: number;
}

/** One small concurrency limiter: the forks of a run. Scheduling policies sit on top of it. */
export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  let active = 0;
  const waiting: (() => void)[] = [];

  const release = (): void => {
    active--;
    const next = waiting.shift();
    if (next) next();
  };

  return {
    get active() {
      return active;
    },
    async run<T>(job: () => Promise<T>): Promise<T> {
      if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      active++;
      try {
        return await job();
      } finally {
        release();
      }
    },
  };
}

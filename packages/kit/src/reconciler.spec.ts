import { createRegistry, type Registry } from '@wavegraph/metrics';
import pino from 'pino';
import { ReconcileFailures, startReconciler, type ReconcileCounts } from './reconciler';
import { workerLockOptions } from './job-locks';

const log = pino({ level: 'silent' });
const counted = async (metrics: Registry, kind: string) =>
  (await metrics.getSingleMetric('wavegraph_reconciled_jobs_total')!.get()).values.find((v) => v.labels.queue === 'spec-queue' && v.labels.kind === kind)?.value;

describe('startReconciler', () => {
  it('runs a round at start and then every interval, counting and reporting what each restored', async () => {
    const outcomes: ReconcileCounts[] = [{ requeued: 2, published: 1 }, { requeued: 0, published: 0 }];
    let rounds = 0;
    const metrics = createRegistry('spec', { processMetrics: false });
    const reconciler = startReconciler({ queue: 'spec-queue', kinds: ['requeued', 'published'], intervalMs: 100, round: async () => outcomes[rounds++] ?? {}, log, metrics });
    try {
      await new Promise((resolve) => setImmediate(resolve));
      expect(await reconciler.check()).toMatch(/^recovering: requeued 2, published 1 \(round at \d{4}-/);
      expect(await counted(metrics, 'requeued')).toBe(2);
      expect(await counted(metrics, 'published')).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(rounds).toBeGreaterThanOrEqual(2);
      expect(await reconciler.check()).toBe('ok');
      expect(await counted(metrics, 'requeued')).toBe(2);
    } finally {
      await reconciler.stop();
    }
    const after = rounds;
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(rounds).toBe(after);
  });

  it('never runs two rounds at once: a round asked for while one runs is that round', async () => {
    let running = 0;
    let most = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const reconciler = startReconciler({
      queue: 'spec-queue', kinds: ['requeued'], intervalMs: 60_000, log,
      round: async () => {
        most = Math.max(most, ++running);
        await gate;
        running -= 1;
        return { requeued: 1 };
      },
    });
    const [a, b] = [reconciler.runNow(), reconciler.runNow()];
    release();
    expect(await a).toEqual({ requeued: 1 });
    expect(await b).toEqual({ requeued: 1 });
    expect(most).toBe(1);
    await reconciler.stop();
  });

  it('keeps readiness passing when a round fails, saying why, and recovers at the next round', async () => {
    let fail = true;
    const reconciler = startReconciler({
      queue: 'spec-queue', kinds: ['requeued'], intervalMs: 60_000, log,
      round: async () => {
        if (fail) throw new Error('Connection is closed.');
        return {};
      },
    });
    try {
      expect(await reconciler.runNow()).toEqual({});
      expect(await reconciler.check()).toBe('last round failed: Connection is closed.');
      fail = false;
      await reconciler.runNow();
      expect(await reconciler.check()).toBe('ok');
    } finally {
      await reconciler.stop();
    }
  });

  it('counts what a round restored even when some items failed, and names the failures in readiness', async () => {
    const metrics = createRegistry('spec', { processMetrics: false });
    const reconciler = startReconciler({
      queue: 'spec-queue', kinds: ['requeued'], intervalMs: 60_000, log, metrics,
      round: async () => {
        throw new ReconcileFailures({ requeued: 3 }, [new Error('no media asset 42'), new Error('other')]);
      },
    });
    try {
      // the round the start began
      expect(await reconciler.runNow()).toEqual({ requeued: 3 });
      expect(await reconciler.check()).toBe('last round failed: 2 could not be reconciled (first: no media asset 42); recovering: requeued 3');
      expect(await counted(metrics, 'requeued')).toBe(3);
    } finally {
      await reconciler.stop();
    }
  });
});

describe('workerLockOptions', () => {
  it('takes a killed worker\'s job over within seconds by default, and keeps each renewal well within the lock', () => {
    const defaults = workerLockOptions();
    expect(defaults).toEqual({ lockDuration: 4000, lockRenewTime: 1000, stalledInterval: 1000, maxStalledCount: 2 });
    expect(defaults.lockDuration + defaults.stalledInterval).toBeLessThan(10_000);
    expect(workerLockOptions({ lockMs: 1000, lockRenewMs: 5000 }).lockRenewTime).toBe(500);
  });
});

import { ProgressReporter, type ProgressMessage } from './progress';

describe('ProgressReporter', () => {
  function reporter(minIntervalMs = 500) {
    const saved: number[] = [];
    const published: ProgressMessage[] = [];
    const r = new ProgressReporter(
      'a1',
      'loudness',
      {
        save: async (p) => void saved.push(p),
        job: async () => undefined,
        publish: async (m) => void published.push(m),
      },
      minIntervalMs,
      5,
    );
    return { r, saved, published };
  }

  it('sends a value when it moved 5 % or more, never backwards, and leaves 100 to the commit', async () => {
    const { r, saved, published } = reporter(60_000);
    await r.start();
    for (const f of [0.01, 0.02, 0.06, 0.07, 0.05, 0.2, 0.21, 0.999, 1.5]) r.update(f);
    await r.finish('DONE');
    expect(saved).toEqual([6, 20, 99]);
    expect(published.map((m) => [m.progress, m.status])).toEqual([[0, 'RUNNING'], [6, 'RUNNING'], [20, 'RUNNING'], [99, 'RUNNING'], [100, 'DONE']]);
    expect(published[0]).toEqual({ assetId: 'a1', step: 'loudness', progress: 0, status: 'RUNNING' });
  });

  it('sends small steps once the interval passed', async () => {
    const { r, saved } = reporter(0);
    r.update(0.01);
    r.update(0.02);
    r.update(0.02);
    await r.finish('DONE');
    expect(saved).toEqual([1, 2]);
  });

  it('keeps going when a sink fails: progress is informative', async () => {
    const published: number[] = [];
    const r = new ProgressReporter('a1', 'hls', {
      save: async () => Promise.reject(new Error('db down')),
      job: async () => Promise.reject(new Error('redis down')),
      publish: async (m) => void published.push(m.progress),
    }, 0, 5);
    r.update(0.5);
    await expect(r.finish('FAILED')).resolves.toBeUndefined();
    expect(published).toEqual([50, 50]);
  });
});

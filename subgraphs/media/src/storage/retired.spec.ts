import { processingHarness, type ProcessingHarness } from '../processing/testing/processing.harness';
import { Retirement, sweepRetired } from './retired';
import type { MediaStorage } from './storage.port';

const HOUR = 3600;
const later = (seconds: number) => new Date(Date.now() + seconds * 1000);

describe('retired objects', () => {
  let h: ProcessingHarness;

  beforeAll(async () => {
    h = await processingHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const put = async (...keys: string[]) => {
    for (const key of keys) await h.storage.put(key, Buffer.from(key));
  };
  const deadlines = async (prefix: string): Promise<Record<string, number>> => {
    const rows: { prefix: string; delete_after: Date }[] = await h.dataSource.query(
      "SELECT prefix, delete_after FROM media_retired_objects WHERE prefix LIKE $1 || '%' ORDER BY prefix",
      [prefix],
    );
    return Object.fromEntries(rows.map((row) => [row.prefix, row.delete_after.getTime()]));
  };

  it('keeps a retired object readable through its grace, then the sweep removes it and its row', async () => {
    await put('assets/r1/run-0/renditions/aac-128.m4a', 'assets/r1/run-0/renditions/aac-64.m4a', 'assets/r1/run-1/renditions/aac-128.m4a');
    await new Retirement(h.dataSource, h.storage, HOUR).retire(['assets/r1/run-0/renditions/aac-128.m4a', 'assets/r1/run-0/renditions/aac-64.m4a']);

    // still there for signed URLs issued before the swap
    expect(await h.storage.list('assets/r1/')).toHaveLength(3);
    const due = await deadlines('assets/r1/');
    expect(Object.keys(due)).toEqual(['assets/r1/run-0/renditions/aac-128.m4a', 'assets/r1/run-0/renditions/aac-64.m4a']);
    for (const at of Object.values(due)) expect(Math.abs(at - later(HOUR).getTime())).toBeLessThan(60_000);

    // a sweep within the grace removes nothing
    expect(await sweepRetired(h.dataSource, h.storage, later(HOUR - 60))).toBe(0);
    expect(await h.storage.list('assets/r1/')).toHaveLength(3);

    // after it: the retired objects go, the live one stays
    expect(await sweepRetired(h.dataSource, h.storage, later(HOUR + 60))).toBe(2);
    expect(await h.storage.list('assets/r1/')).toEqual(['assets/r1/run-1/renditions/aac-128.m4a']);
    expect(await deadlines('assets/r1/')).toEqual({});
  });

  it('keeps the first deadline when the same object is retired again, and removes at once with no grace', async () => {
    await put('assets/r2/run-0/a.m4a', 'assets/r2/run-0/b.m4a');
    await new Retirement(h.dataSource, h.storage, HOUR).retire(['assets/r2/run-0/a.m4a']);
    const [first] = Object.values(await deadlines('assets/r2/'));
    await new Retirement(h.dataSource, h.storage, 10 * HOUR).retire(['assets/r2/run-0/a.m4a']);
    expect(Object.values(await deadlines('assets/r2/'))).toEqual([first]);

    await new Retirement(h.dataSource, h.storage, 0).retire(['assets/r2/run-0/b.m4a']);
    expect(await h.storage.list('assets/r2/')).toEqual(['assets/r2/run-0/a.m4a']);
  });

  it('leaves a row for the next sweep when storage refuses the delete', async () => {
    await put('assets/r3/run-0/a.m4a');
    await new Retirement(h.dataSource, h.storage, 1).retire(['assets/r3/run-0/a.m4a']);
    const refusing: MediaStorage = Object.assign(Object.create(h.storage) as MediaStorage, { deletePrefix: async () => Promise.reject(new Error('storage is away')) });
    await expect(sweepRetired(h.dataSource, refusing, later(HOUR))).rejects.toThrow('storage is away');
    expect(Object.keys(await deadlines('assets/r3/'))).toEqual(['assets/r3/run-0/a.m4a']);

    expect(await sweepRetired(h.dataSource, h.storage, later(HOUR))).toBeGreaterThanOrEqual(1);
    expect(await h.storage.list('assets/r3/')).toEqual([]);
    expect(await deadlines('assets/r3/')).toEqual({});
  });
});

import { UnrecoverableError } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { MediaStorage } from '../storage/storage.port';
import { waitForChild, type HandOffDeps, type HandOffJob } from './processing.handoff';

// The flow's video job waits for its child on the video queue; a child can fail for good before that wait begins.
describe('waiting for the video child', () => {
  const job = (moveToWaitingChildren: HandOffJob['moveToWaitingChildren']): HandOffJob => ({
    id: 'asset.0.video', name: 'video', data: { assetId: 'asset', run: 0 } as HandOffJob['data'], opts: {}, moveToWaitingChildren,
  });
  const deps = (failedReason?: string): HandOffDeps => ({
    dataSource: {} as DataSource,
    storage: {} as MediaStorage,
    videoJobs: { add: jest.fn(), getJob: jest.fn(async () => (failedReason === undefined ? undefined : { failedReason })) } as unknown as HandOffDeps['videoJobs'],
  });
  const refused = () => Promise.reject(new UnrecoverableError('Cannot complete job asset.0.video because it has at least one failed child. moveToWaitingChildren'));

  it("fails with the child's own reason when BullMQ refuses the wait for a failed child", async () => {
    const waiting = waitForChild(deps('ffmpeg failed: Unknown preset'), job(refused), 'token');
    await expect(waiting).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(waitForChild(deps('ffmpeg failed: Unknown preset'), job(refused), 'token')).rejects.toThrow(/^ffmpeg failed: Unknown preset$/);
  });

  it("keeps BullMQ's words when the child's reason cannot be read", async () => {
    await expect(waitForChild(deps(), job(refused), 'token')).rejects.toThrow(/has at least one failed child/);
  });

  it('passes any other failure, and the answer, through', async () => {
    await expect(waitForChild(deps('x'), job(() => Promise.reject(new Error('Missing lock for job asset.0.video'))), 'token')).rejects.toThrow(/^Missing lock/);
    await expect(waitForChild(deps(), job(async () => true), 'token')).resolves.toBe(true);
    await expect(waitForChild(deps(), job(async () => false), 'token')).resolves.toBe(false);
  });
});

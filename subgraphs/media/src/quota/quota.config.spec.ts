import { uploadQuotasFromEnv } from '../media.config';

describe('upload quota settings', () => {
  const names = ['FREE', 'PREMIUM'].flatMap((plan) => ['PENDING_UPLOADS', 'PENDING_BYTES', 'STORED_BYTES'].map((cap) => `MEDIA_QUOTA_${plan}_${cap}`));
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  afterEach(() => {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });
  beforeEach(() => names.forEach((name) => delete process.env[name]));

  const GiB = 1024 ** 3;

  it('defaults to FREE 2 uploads / 1 GiB in progress / 5 GiB stored, PREMIUM 10 / 20 GiB / 200 GiB', () => {
    expect(uploadQuotasFromEnv()).toEqual({
      FREE: { pendingUploads: 2, pendingBytes: GiB, storedBytes: 5 * GiB },
      PREMIUM: { pendingUploads: 10, pendingBytes: 20 * GiB, storedBytes: 200 * GiB },
    });
  });

  it('reads each cap from the environment, 0 meaning no cap, and refuses nonsense', () => {
    process.env.MEDIA_QUOTA_FREE_PENDING_UPLOADS = '3';
    process.env.MEDIA_QUOTA_PREMIUM_STORED_BYTES = String(1024 * GiB);
    process.env.MEDIA_QUOTA_PREMIUM_PENDING_UPLOADS = '0';
    expect(uploadQuotasFromEnv()).toMatchObject({ FREE: { pendingUploads: 3 }, PREMIUM: { pendingUploads: 0, storedBytes: 1024 * GiB } });
    process.env.MEDIA_QUOTA_FREE_PENDING_BYTES = '-1';
    expect(() => uploadQuotasFromEnv()).toThrow(/MEDIA_QUOTA_FREE_PENDING_BYTES/);
    process.env.MEDIA_QUOTA_FREE_PENDING_BYTES = '1.5GB';
    expect(() => uploadQuotasFromEnv()).toThrow(/MEDIA_QUOTA_FREE_PENDING_BYTES/);
  });
});

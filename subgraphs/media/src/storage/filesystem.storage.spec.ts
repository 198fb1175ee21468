import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FilesystemStorage } from './filesystem.storage';

/** tmpfs: another filesystem than the temp dir's on these machines, so link(2) between them fails with EXDEV. */
const OTHER_FILESYSTEM = '/dev/shm';

describe('filesystem storage: putFile without copying', () => {
  let root: string;
  let storage: FilesystemStorage;
  const dirs: string[] = [];
  const tempDir = async (parent: string): Promise<string> => {
    const dir = await mkdtemp(path.join(parent, 'media-fs-put-'));
    dirs.push(dir);
    return dir;
  };

  beforeEach(async () => {
    root = await tempDir(tmpdir());
    storage = new FilesystemStorage(root);
  });
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('links a linkable file on the same filesystem into place: the same bytes under a second name, none copied', async () => {
    const local = path.join(await tempDir(tmpdir()), 'upload');
    const data = randomBytes(256 * 1024);
    await writeFile(local, data);

    await storage.putFile('assets/a1/source', local, 'audio/mpeg', { linkable: true });

    const [staged, stored] = await Promise.all([stat(local), stat(path.join(root, 'assets/a1/source'))]);
    expect(stored.ino).toBe(staged.ino);
    expect(stored.nlink).toBe(2);
    // the caller removing its file (the staged upload) leaves the stored object whole
    await rm(local);
    expect(await readFile(path.join(root, 'assets/a1/source'))).toEqual(data);
    expect(await storage.list('assets/')).toEqual(['assets/a1/source']);
  });

  it('copies a linkable file from another filesystem (EXDEV)', async () => {
    const otherDir = await tempDir(OTHER_FILESYSTEM);
    expect((await stat(otherDir)).dev).not.toBe((await stat(root)).dev);
    const local = path.join(otherDir, 'upload');
    const data = randomBytes(128 * 1024);
    await writeFile(local, data);

    await storage.putFile('assets/a1/source', local, undefined, { linkable: true });

    const stored = await stat(path.join(root, 'assets/a1/source'));
    expect(stored.nlink).toBe(1);
    await rm(local);
    expect(await readFile(path.join(root, 'assets/a1/source'))).toEqual(data);
  });

  it('copies a file not marked linkable, so later changes to it do not reach the stored object', async () => {
    const local = path.join(await tempDir(tmpdir()), 'rendition');
    const data = randomBytes(64 * 1024);
    await writeFile(local, data);

    await storage.putFile('assets/a1/aac-128.m4a', local);
    await appendFile(local, 'more');

    expect((await stat(path.join(root, 'assets/a1/aac-128.m4a'))).ino).not.toBe((await stat(local)).ino);
    expect(await readFile(path.join(root, 'assets/a1/aac-128.m4a'))).toEqual(data);
  });

  it('replaces an object stored before under the key with the linked file', async () => {
    const local = path.join(await tempDir(tmpdir()), 'upload');
    await storage.put('assets/a1/source', Buffer.from('an earlier attempt'));
    const data = randomBytes(1024);
    await writeFile(local, data);

    await storage.putFile('assets/a1/source', local, undefined, { linkable: true });

    expect(await readFile(path.join(root, 'assets/a1/source'))).toEqual(data);
    expect(await storage.list('assets/')).toEqual(['assets/a1/source']);
  });
});

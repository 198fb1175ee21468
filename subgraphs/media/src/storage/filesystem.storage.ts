import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MediaStorage, PutFileOptions } from './storage.port';

/** link(2) errors that mean "not possible here" rather than a failure: another filesystem, or one without (more) hard links. */
const NO_HARD_LINK = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS']);

/**
 * A second name for the file's bytes (nothing copied, whatever the size), or a copy where that is
 * not possible. A link rather than a rename: the file keeps its own name too, so a caller that
 * fails after this (a finish whose commit fails) still has it and can simply try again.
 */
async function linkOrCopy(file: string, target: string): Promise<void> {
  try {
    await link(file, target);
  } catch (error) {
    if (!NO_HARD_LINK.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    await copyFile(file, target);
  }
}

/** Keys are relative paths below one directory; a write goes to a temporary file, then rename(2). */
export class FilesystemStorage implements MediaStorage {
  readonly kind = 'filesystem' as const;

  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    const resolved = path.resolve(this.root, key);
    // keys come from our own code, but a key must never reach outside the root
    if (!resolved.startsWith(path.resolve(this.root) + path.sep)) throw new Error(`invalid storage key: ${key}`);
    return resolved;
  }

  private async commit(key: string, write: (temp: string) => Promise<void>): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.tmp-${randomBytes(6).toString('hex')}`;
    try {
      await write(temp);
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  put(key: string, body: Readable | Buffer): Promise<void> {
    return this.commit(key, (temp) => (Buffer.isBuffer(body) ? writeFile(temp, body) : pipeline(body, createWriteStream(temp))));
  }

  putFile(key: string, file: string, _contentType?: string, options: PutFileOptions = {}): Promise<void> {
    return this.commit(key, (temp) => (options.linkable ? linkOrCopy(file, temp) : copyFile(file, temp)));
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      const info = await stat(this.pathOf(key));
      return info.isFile() ? { size: info.size } : null;
    } catch {
      return null;
    }
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const file = this.pathOf(key);
    await stat(file);
    return createReadStream(file, range);
  }

  async download(key: string, dir: string): Promise<string> {
    const target = path.join(dir, path.basename(key));
    await copyFile(this.pathOf(key), target);
    return target;
  }

  async deletePrefix(prefix: string): Promise<void> {
    for (const key of await this.list(prefix)) await rm(this.pathOf(key), { force: true });
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (!entry.name.includes('.tmp-')) keys.push(path.relative(this.root, full).split(path.sep).join('/'));
      }
    };
    await walk(this.root);
    return keys.filter((key) => key.startsWith(prefix)).sort();
  }
}

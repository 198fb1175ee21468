import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';

/*
 * Attempts work in `<root>/wavegraph-media-<pid>-<what>-<random>`. A process killed mid-step
 * cannot clean up after itself; the pid in the name lets the next processor on the host
 * recognise and remove what dead processes left behind.
 */
const NAME = /^wavegraph-media-(\d+)-/;

export async function makeWorkDir(root: string, what: string): Promise<string> {
  await mkdir(root, { recursive: true });
  return mkdtemp(path.join(root, `wavegraph-media-${process.pid}-${what}-`));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but someone else's
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the work dirs of processes that no longer run. */
export async function sweepWorkDirs(root: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    return [];
  }
  const dead = entries.filter((name) => {
    const pid = Number(NAME.exec(name)?.[1]);
    return pid > 0 && !isAlive(pid);
  });
  await Promise.all(dead.map((name) => rm(path.join(root, name), { recursive: true, force: true })));
  return dead;
}

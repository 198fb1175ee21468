// Processes of the federation bench: pinned to a core, waited for, stopped, and measured from
// /proc (CPU time and memory of a process and every process it forked).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime. */
const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Moves this process (every thread of it) to `core`; the children it spawns from now on inherit it. */
export function pinSelf(core) {
  const result = spawnSync('taskset', ['-a', '-p', '-c', String(core), String(process.pid)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`taskset could not pin the bench to core ${core}: ${result.stderr || result.error}`);
}

/**
 * Spawns `node <args>` on `core` (taskset execs node, so the pid is node's). Its output is kept
 * (the last 4 KiB) to explain an early exit. With BENCH_CPU_PROFILE_DIR set, a process spawned
 * with `profile` writes a V8 CPU profile there when it stops (open it in Chrome's DevTools).
 */
export function spawnPinned(core, args, { env, cwd, profile = false }) {
  const dir = process.env.BENCH_CPU_PROFILE_DIR;
  const profiling = profile && dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
  const child = spawn('taskset', ['-c', String(core), process.execPath, ...profiling, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk).slice(-4096);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.output = () => output;
  return child;
}

/** Resolves once `probe()` is true; fails when the child exits first or after `timeoutMs`. */
export async function waitUntil(child, probe, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${child.output?.()}`);
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} was not ready after ${timeoutMs} ms:\n${child.output?.()}`);
}

/** SIGTERM, then SIGKILL after 10 s; resolves when the child has exited. */
export function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

/** `pid` and every live descendant of it (a gateway that forks workers is measured whole). */
function processTree(pid) {
  const pids = [pid];
  for (let i = 0; i < pids.length; i += 1) {
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${pids[i]}/task`);
    } catch {
      continue; // exited meanwhile
    }
    for (const task of tasks) {
      try {
        const children = readFileSync(`/proc/${pids[i]}/task/${task}/children`, 'utf8').trim();
        if (children) pids.push(...children.split(/\s+/).map(Number));
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return pids;
}

/** utime + stime in seconds of one process (fields 14 and 15 of /proc/<pid>/stat, after the command name). */
function cpuSecondsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return 0;
  }
}

function statusKb(pid, field) {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by `pid` and its live descendants. */
export const cpuSeconds = (pid) => processTree(pid).reduce((sum, p) => sum + cpuSecondsOf(p), 0);

/** Resident memory now (VmRSS) and at its peak (VmHWM), in MB, summed over the tree. */
export function memoryMb(pid) {
  const tree = processTree(pid);
  const sum = (field) => tree.reduce((total, p) => total + statusKb(p, field), 0) / 1024;
  return { rssMb: sum('VmRSS'), peakRssMb: sum('VmHWM') };
}

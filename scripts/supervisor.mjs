// Keeps one child process running the way PM2 would, as a library rather than a daemon: a child
// that dies is started again after an exponential backoff (reset once it has stayed up for a
// stable period), each restart is logged with the exit code or signal, and after too many rapid
// failures in a row it gives up with a clear message. Our own code, because the libraries that
// do this (respawn, forever-monitor) have had no release in years, and PM2 wants its daemon.
import { spawn } from 'node:child_process';

export const DEFAULT_RESTART = {
  /** First wait before a restart; doubled after each rapid failure. */
  baseDelayMs: 500,
  /** Longest wait between restarts. */
  maxDelayMs: 15_000,
  /** A child up this long was healthy: its next failure starts the backoff afresh. */
  stableMs: 30_000,
  /** Consecutive failures, each sooner than `stableMs` after its start, before giving up. */
  maxRapidFailures: 5,
};

const describeExit = (code, signal) => (signal ? signal : `exit code ${code}`);

/**
 * Supervises `command args` (spawn options as for child_process.spawn).
 * `log(message)` receives each event as a line; `onSpawn(child)` each new child;
 * `onGiveUp(message)` is called once when it stops trying. `restart: false` only reports the
 * exit (through `onExit`) and never restarts; nor does an exit while `restartWhen()` is false.
 */
export function supervise({ name, command, args, options, restart = DEFAULT_RESTART, restartWhen = () => true, log = console.error, onSpawn, onExit, onGiveUp }) {
  const policy = restart && { ...DEFAULT_RESTART, ...restart };
  let child;
  let startedAt = 0;
  let rapidFailures = 0;
  let timer;
  let stopping = false;
  let gaveUp = false;
  let restarts = 0;

  const start = () => {
    timer = undefined;
    startedAt = Date.now();
    child = spawn(command, args, options);
    child.name = name;
    onSpawn?.(child);
    child.on('exit', (code, signal) => exited(code, signal));
    child.on('error', (error) => log(`✖ ${name} could not be started: ${error.message}`));
    return child;
  };

  const exited = (code, signal) => {
    onExit?.(name, code, signal);
    if (stopping || !policy || !restartWhen()) return;
    const upMs = Date.now() - startedAt;
    rapidFailures = upMs >= policy.stableMs ? 1 : rapidFailures + 1;
    if (rapidFailures >= policy.maxRapidFailures) {
      gaveUp = true;
      const message = `✖ ${name} failed ${policy.maxRapidFailures} times in a row without staying up ${policy.stableMs / 1000} s (last: ${describeExit(code, signal)}); not restarting it again`;
      log(message);
      onGiveUp?.(message);
      return;
    }
    const delayMs = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (rapidFailures - 1));
    restarts += 1;
    log(`↻ ${name} exited (${describeExit(code, signal)}) after ${(upMs / 1000).toFixed(1)} s; restart ${restarts} in ${(delayMs / 1000).toFixed(1)} s`);
    timer = setTimeout(start, delayMs);
  };

  start();
  return {
    name,
    get child() {
      return child;
    },
    get restarts() {
      return restarts;
    },
    get gaveUp() {
      return gaveUp;
    },
    /** Stops restarting; SIGTERM, then SIGKILL after `killAfterMs`; resolves once it exited. */
    stop(killAfterMs = 10_000) {
      stopping = true;
      clearTimeout(timer);
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), killAfterMs).unref();
      });
    },
  };
}

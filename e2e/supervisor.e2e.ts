import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const supervisorUrl = pathToFileURL(path.resolve(__dirname, '../scripts/supervisor.mjs')).href;

interface Run {
  spawns: number[];
  log: string[];
  gaveUp: string[];
  restarts: number;
}

/**
 * Runs scripts/supervisor.mjs (an ES module, so in its own node) on a child that exits with
 * code 3 after `upMs`, for `forMs`, and reports when each child was spawned and what was logged.
 */
function superviseFor(upMs: number, forMs: number, restart: object): Run {
  const harness = `
    import { supervise } from ${JSON.stringify(supervisorUrl)};
    const t0 = Date.now();
    const run = { spawns: [], log: [], gaveUp: [] };
    const p = supervise({
      name: 'flaky',
      command: process.execPath,
      args: ['-e', 'setTimeout(() => process.exit(3), ${upMs})'],
      options: { stdio: 'ignore' },
      restart: ${JSON.stringify(restart)},
      log: (line) => run.log.push(line),
      onSpawn: () => run.spawns.push(Date.now() - t0),
      onGiveUp: (message) => run.gaveUp.push(message),
    });
    setTimeout(async () => {
      await p.stop();
      console.log(JSON.stringify({ ...run, restarts: p.restarts }));
    }, ${forMs});
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', harness], { encoding: 'utf8', timeout: forMs + 10_000 });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as Run;
}

describe('the process supervisor', () => {
  it('restarts a failing child with a doubling delay, logging each exit, and gives up after the rapid failures allowed', () => {
    const run = superviseFor(0, 3_000, { baseDelayMs: 200, maxDelayMs: 10_000, stableMs: 5_000, maxRapidFailures: 4 });
    // four starts: the first and three restarts; the fourth failure ends it
    expect(run.spawns).toHaveLength(4);
    expect(run.restarts).toBe(3);
    const gaps = run.spawns.slice(1).map((at, i) => at - run.spawns[i]);
    expect(gaps[0]).toBeGreaterThanOrEqual(200);
    expect(gaps[1]).toBeGreaterThanOrEqual(400);
    expect(gaps[2]).toBeGreaterThanOrEqual(800);
    expect(run.log.slice(0, 3).map((line) => line.replace(/after [\d.]+ s/, 'after x s'))).toEqual([
      '↻ flaky exited (exit code 3) after x s; restart 1 in 0.2 s',
      '↻ flaky exited (exit code 3) after x s; restart 2 in 0.4 s',
      '↻ flaky exited (exit code 3) after x s; restart 3 in 0.8 s',
    ]);
    expect(run.gaveUp).toEqual(['✖ flaky failed 4 times in a row without staying up 5 s (last: exit code 3); not restarting it again']);
    expect(run.log[3]).toBe(run.gaveUp[0]);
  });

  it('starts the backoff afresh once a child stayed up for the stable period, and never gives up on it', () => {
    // each child lives 300 ms, longer than the 200 ms stable period: every failure is a first one
    const run = superviseFor(300, 2_500, { baseDelayMs: 100, maxDelayMs: 10_000, stableMs: 200, maxRapidFailures: 2 });
    expect(run.gaveUp).toEqual([]);
    expect(run.spawns.length).toBeGreaterThanOrEqual(4);
    expect(run.log.every((line) => line.endsWith('in 0.1 s'))).toBe(true);
  });

  it('caps the delay at its maximum', () => {
    const run = superviseFor(0, 2_500, { baseDelayMs: 100, maxDelayMs: 300, stableMs: 5_000, maxRapidFailures: 20 });
    expect(run.log.map((line) => /in ([\d.]+) s$/.exec(line)?.[1])).toEqual(expect.arrayContaining(['0.1', '0.2', '0.3']));
    expect(run.log.some((line) => /in 0\.[4-9] s$/.test(line))).toBe(false);
    expect(run.spawns.length).toBeGreaterThanOrEqual(5);
  });
});

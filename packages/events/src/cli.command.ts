import type Redis from 'ioredis';
import { listDeadLetters, replayDeadLetters } from './dead-letters';
import { PRODUCERS } from './contract';
import { streamOf } from './streams';

export const USAGE = `usage:
  wavegraph-events dead-letters <group> [--limit N]   list a consuming context's dead letters
  wavegraph-events replay <group> --all               send all of them back to that context
  wavegraph-events replay <group> <id> [<id> ...]     send the given ones back
  wavegraph-events streams                            stream lengths and each group's backlog
`;

export interface CliIo {
  redis: Redis;
  prefix: string;
  out: (line: string) => void;
}

/** The operator's commands over the event backbone; returns the process exit code. */
export async function runEventsCli(args: string[], { redis, prefix, out }: CliIo): Promise<number> {
  const [command, group, ...rest] = args;
  if (command === 'dead-letters' && group) {
    const limitAt = rest.indexOf('--limit');
    const limit = limitAt >= 0 ? Number(rest[limitAt + 1]) : 100;
    if (!Number.isInteger(limit) || limit < 1) throw new Error('--limit takes a positive number');
    const letters = await listDeadLetters(redis, prefix, group, limit);
    for (const letter of letters) {
      out(`${letter.id}  ${letter.type || '(no type)'}  from ${letter.source} ${letter.sourceId}  after ${letter.deliveries} deliveries at ${letter.failedAt}`);
      out(`    reason: ${letter.reason}`);
    }
    out(`${letters.length} dead letter(s) for ${group}`);
    return 0;
  }
  if (command === 'replay' && group && rest.length) {
    const replayed = await replayDeadLetters(redis, prefix, group, rest.includes('--all') ? 'all' : rest);
    for (const id of replayed) out(`replayed ${id}`);
    out(`${replayed.length} dead letter(s) sent back to ${group}`);
    return replayed.length || rest.includes('--all') ? 0 : 1;
  }
  if (command === 'streams') {
    for (const producer of PRODUCERS) {
      const stream = streamOf(prefix, producer);
      const length = await redis.xlen(stream);
      if (!length) continue;
      out(`${stream}: ${length} event(s)`);
      const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
      for (const info of groups) {
        const fields = Object.fromEntries(Array.from({ length: info.length / 2 }, (_, i) => [String(info[2 * i]), info[2 * i + 1]]));
        out(`    group ${fields.name}: ${fields.pending} pending, ${fields.lag ?? '?'} not yet read`);
      }
    }
    return 0;
  }
  out(USAGE);
  return 2;
}

import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { listDeadLetters, replayDeadLetters } from './dead-letters';
import { PRODUCERS, type Producer } from './contract';
import type { RecoveryRound } from './recovery';
import { recoverRequestKey, streamOf } from './streams';
import type { JetStreamContext } from './transport/jetstream';
import { jetStreamOf } from './transport/jetstream';

export const USAGE = `usage:
  wavegraph-events dead-letters <group> [--limit N]   list a consuming context's dead letters
  wavegraph-events replay <group> --all               send all of them back to that context
  wavegraph-events replay <group> <id> [<id> ...]     send the given ones back
  wavegraph-events streams                            stream lengths and each group's backlog
  wavegraph-events recover <group> [--from <producer>=<seq> ...] [--wait <seconds>]
                                                      compare the context with the producers' logs now and
                                                      apply what its transport lost (from <seq> on: read
                                                      again from there; what was applied is skipped)
`;

export interface CliIo {
  /** Dead letters, replays and recovery requests are in Redis whatever the transport. */
  redis: Redis;
  /** When the events travel on NATS JetStream (EVENTS_TRANSPORT=nats): `streams` reads them there. */
  jetstream?: JetStreamContext;
  prefix: string;
  out: (line: string) => void;
}

/** The operator's commands over the event backbone; returns the process exit code. */
export async function runEventsCli(args: string[], { redis, jetstream, prefix, out }: CliIo): Promise<number> {
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
  if (command === 'recover' && group) return recover(group, rest, { redis, prefix, out });
  if (command === 'streams' && jetstream) return jetStreams(jetstream, prefix, out);
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

/** Each producer's JetStream stream and each group's backlog, summed over its partitions' consumers (named `<group>_<partition>`). */
async function jetStreams(context: JetStreamContext, prefix: string, out: (line: string) => void): Promise<number> {
  for (const producer of PRODUCERS) {
    const name = jetStreamOf(prefix, producer);
    let messages: number;
    try {
      messages = (await context.jsm.streams.info(name)).state.messages;
    } catch {
      continue;
    }
    if (!messages) continue;
    out(`${name}: ${messages} event(s)`);
    const groups = new Map<string, { pending: number; unread: number }>();
    for await (const info of context.jsm.consumers.list(name)) {
      const group = info.name.replace(/_\d+$/, '');
      const sum = groups.get(group) ?? { pending: 0, unread: 0 };
      sum.pending += info.num_ack_pending;
      sum.unread += info.num_pending;
      groups.set(group, sum);
    }
    for (const [group, { pending, unread }] of groups) out(`    group ${group}: ${pending} pending, ${unread} not yet read`);
  }
  return 0;
}

function optionValues(args: string[], name: string): string[] {
  return args.flatMap((arg, i) => (arg === name && args[i + 1] !== undefined ? [args[i + 1]] : []));
}

/** Leaves the request for the group's consumers (any replica takes it) and waits for its answer. */
async function recover(group: string, args: string[], { redis, prefix, out }: CliIo): Promise<number> {
  const from: Partial<Record<Producer, number>> = {};
  for (const spec of optionValues(args, '--from')) {
    const [producer, seq] = spec.split('=');
    if (!PRODUCERS.includes(producer as Producer) || !/^\d+$/.test(seq ?? '')) throw new Error(`--from takes <producer>=<seq> with a producer among ${PRODUCERS.join(', ')}`);
    from[producer as Producer] = Number(seq);
  }
  const [waitText = '30'] = optionValues(args, '--wait');
  const waitSeconds = Number(waitText);
  if (!(waitSeconds > 0)) throw new Error('--wait takes a number of seconds');
  const id = randomUUID();
  const key = recoverRequestKey(prefix, group);
  await redis.set(key, JSON.stringify({ id, from }), 'EX', Math.ceil(waitSeconds) + 60);
  const deadline = Date.now() + waitSeconds * 1000;
  while (Date.now() < deadline) {
    const done = await redis.get(`${key}:done:${id}`);
    if (done) {
      for (const p of (JSON.parse(done) as RecoveryRound).producers) {
        const lost = p.unrecoverable ? `, ${p.unrecoverable} older than the log keeps (lost)` : '';
        out(`${p.producer}: ${p.recovered} applied from the log, seen through ${p.watermark} of ${p.head}${lost}${p.error ? `; log unreadable: ${p.error}` : ''}`);
      }
      return 0;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await redis.del(key);
  out(`no consumer of ${group} answered within ${waitSeconds} s (is it running?)`);
  return 1;
}

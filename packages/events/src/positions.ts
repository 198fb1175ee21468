import type { DataSource, EntityManager } from 'typeorm';

/** A producer's event number a consumer has seen (applied, passed over or dead-lettered). */
export interface SeenPosition {
  producer: string;
  seq: number;
}

type Queryable = Pick<EntityManager, 'query'> | Pick<DataSource, 'query'>;

/** Records what a consumer saw, inside the transaction of its effect when there is one. */
export async function markSeen(db: Queryable, consumer: string, seen: readonly SeenPosition[]): Promise<void> {
  if (!seen.length) return;
  await db.query(
    `INSERT INTO event_positions (consumer, producer, seq)
     SELECT $1, p, s FROM unnest($2::text[], $3::bigint[]) AS d(p, s)
     ON CONFLICT DO NOTHING`,
    [consumer, seen.map((s) => s.producer), seen.map((s) => s.seq)],
  );
}

export interface Watermark {
  /** Everything up to this number was seen. */
  through: number;
  /** Numbers seen above it (the gaps between them are what the transport has not delivered, or lost). */
  above: number[];
}

/**
 * Moves the consumer's watermark over every number seen contiguously after it and forgets
 * those rows; returns where it stands. Safe to run from several replicas at once (the row lock
 * on the watermark serialises them).
 */
export async function advanceWatermark(dataSource: DataSource, consumer: string, producer: string): Promise<Watermark> {
  return dataSource.transaction(async (tx) => {
    await tx.query('INSERT INTO event_watermarks (consumer, producer, seq) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING', [consumer, producer]);
    const [row] = (await tx.query('SELECT seq::text FROM event_watermarks WHERE consumer = $1 AND producer = $2 FOR UPDATE', [consumer, producer])) as { seq: string }[];
    let through = Number(row.seq);
    const seen = ((await tx.query(
      'SELECT seq::text FROM event_positions WHERE consumer = $1 AND producer = $2 AND seq > $3 ORDER BY seq LIMIT 100000',
      [consumer, producer, through],
    )) as { seq: string }[]).map((r) => Number(r.seq));
    let i = 0;
    while (i < seen.length && seen[i] === through + 1) {
      through += 1;
      i += 1;
    }
    if (i > 0) {
      await tx.query('UPDATE event_watermarks SET seq = $3, updated_at = now() WHERE consumer = $1 AND producer = $2', [consumer, producer, through]);
      await tx.query('DELETE FROM event_positions WHERE consumer = $1 AND producer = $2 AND seq <= $3', [consumer, producer, through]);
    }
    return { through, above: seen.slice(i) };
  });
}

/**
 * Moves the watermark to `through`: forward over numbers the log no longer has, or back for an
 * operator's re-read (then everything above it is read again; the inbox skips what was applied).
 */
export async function setWatermark(dataSource: DataSource, consumer: string, producer: string, through: number, rewind = false): Promise<void> {
  await dataSource.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO event_watermarks (consumer, producer, seq) VALUES ($1, $2, $3)
       ON CONFLICT (consumer, producer) DO UPDATE SET seq = EXCLUDED.seq, updated_at = now()`,
      [consumer, producer, through],
    );
    await tx.query('DELETE FROM event_positions WHERE consumer = $1 AND producer = $2 AND (seq <= $3 OR $4::boolean)', [consumer, producer, through, rewind]);
  });
}

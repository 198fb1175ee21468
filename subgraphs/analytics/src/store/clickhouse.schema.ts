/*
 * The tables of analytics in ClickHouse. Raw rows are MergeTree tables partitioned by month of
 * `day` and ordered by (episode_id, day, event_id): every question names episodes and a range of
 * days, so it reads a few ranges of the primary index. ReplacingMergeTree on that key (the event
 * id is in it) folds a row inserted twice, though inserts are already deduplicated by event id
 * (the store skips ids it holds), so the rollups below never see a row twice.
 * Rollups are materialized views filled on insert:
 * - downloads_daily (SummingMergeTree): counted downloads per episode, day and client app;
 * - listening_daily (AggregatingMergeTree): listened seconds, unique listeners and sessions per
 *   episode, day and client app, as mergeable states, so a week, a month or a whole show merges
 *   them exactly (uniqExact: analytics reports exact counts); its rows are large (sets of
 *   listeners), so its index marks every STATE_GRANULARITY rows instead of 8192: one episode's
 *   question then reads that episode's states, not a granule full of other episodes';
 * - episode_listeners / listener_episodes (ReplacingMergeTree): who listened to what, both ways
 *   round, for the recommendations.
 */
const STATE_GRANULARITY = 128;

export function schemaStatements(db: string): string[] {
  const raw = (name: string, columns: string) =>
    `CREATE TABLE IF NOT EXISTS ${db}.${name} (${columns}) ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMM(day) ORDER BY (episode_id, day, event_id)`;
  return [
    `CREATE DATABASE IF NOT EXISTS ${db}`,
    raw(
      'plays',
      `event_id String, at DateTime, day Date, episode_id String, listener_id String, session_id String, client_app String,
       listened_seconds UInt32, position_seconds UInt32, completed UInt8`,
    ),
    raw(
      'downloads',
      `event_id String, at DateTime, day Date, episode_id String, rendition String, ip_hash String, user_agent String, client_app String,
       counted UInt8, bot UInt8`,
    ),
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.downloads_daily
       ENGINE = SummingMergeTree() PARTITION BY toYYYYMM(day) ORDER BY (episode_id, day, client_app)
       AS SELECT episode_id, day, client_app, toUInt64(count()) AS downloads FROM ${db}.downloads WHERE counted = 1 GROUP BY episode_id, day, client_app`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.listening_daily
       ENGINE = AggregatingMergeTree() PARTITION BY toYYYYMM(day) ORDER BY (episode_id, day, client_app) SETTINGS index_granularity = ${STATE_GRANULARITY}
       AS SELECT episode_id, day, client_app, sumState(toUInt64(listened_seconds)) AS seconds,
         uniqExactState(listener_id) AS listeners, uniqExactState(session_id) AS sessions
       FROM ${db}.plays GROUP BY episode_id, day, client_app`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.episode_listeners
       ENGINE = ReplacingMergeTree() ORDER BY (episode_id, listener_id)
       AS SELECT DISTINCT episode_id, listener_id FROM ${db}.plays`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.listener_episodes
       ENGINE = ReplacingMergeTree() ORDER BY (listener_id, episode_id)
       AS SELECT DISTINCT listener_id, episode_id FROM ${db}.plays`,
  ];
}

// Video processing time per minute of 1080p30 source, against a bare baseline in the same run:
// - bare: the very ffmpeg/ffprobe commands the steps run (recorded from the steps' own code,
//   run in-process first), typed by hand one after the other;
// - pipeline: the same source through the media worker as deployed — a BullMQ flow of sandboxed
//   steps on the processing queue, the ladder and storyboard handed to the video queue, every
//   input copied out of storage and every output committed to it, progress saved and published —
//   from the moment the flow is queued until the asset is READY.
// The upload and the gateway are bench/media.mjs's business; they do not depend on the picture.
//
//   node bench/video.mjs [--no-build]     BENCH_VIDEO_SECONDS (60), BENCH_VIDEO_RUNS (1), MEDIA_VIDEO_PRESET (veryfast)
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkServices, ensureSystemTools, installAndBuild, root } from '../scripts/setup.mjs';
import { exec, pct, runBare, runStepsInProcess, stepRows, STEPS } from './support/steps-in-process.mjs';

if (!process.argv.includes('--no-build')) {
  checkServices();
  installAndBuild();
}
ensureSystemTools(['ffmpeg']);

const require = createRequire(import.meta.url);
// the pipeline's own code, as built: the bench runs what the worker runs and cannot drift from it
const mediaDist = (file) => require(path.join(root, 'subgraphs/media/dist', file));
const { ProcessingQueue } = mediaDist('processing/processing.queue.js');
const { startMediaWorker } = mediaDist('processing/processing.worker.js');
const { FilesystemStorage } = mediaDist('storage/filesystem.storage.js');
const { storageDir } = mediaDist('storage/storage.factory.js');
const { sourceKey } = mediaDist('asset/asset.outputs.js');
const { createMediaModule } = mediaDist('media.module.js');
const { createLogger, createRedisConnections, openDatabase } = require(path.join(root, 'packages/kit/dist/index.js'));
const { dropRedisPrefix, freshDatabase, freshRedisPrefix, TEST_REDIS_URL } = require(path.join(root, 'packages/testkit/dist/index.js'));

const videoSeconds = Number(process.env.BENCH_VIDEO_SECONDS ?? 60);
const runs = Number(process.env.BENCH_VIDEO_RUNS ?? 1);
const POLL_MS = 100;

const seconds = (from) => (performance.now() - from) / 1000;
const perMinute = (s) => s / (videoSeconds / 60);


/** A moving 1080p30 test picture (testsrc2, not trivially compressible) with a 440 Hz tone, H.264/AAC as a camera would write it. */
async function source1080p(file) {
  await exec('ffmpeg', [
    '-hide_banner', '-nostdin', '-y', '-v', 'error',
    '-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=30:duration=${videoSeconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${videoSeconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '18', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '192k', '-shortest', '-f', 'mp4', file,
  ]);
}



/** A media database, a Redis prefix, filesystem storage and the worker (one processing slot, one video slot), as deployed. */
async function startPipeline(dir) {
  const log = createLogger('bench-video');
  // one word: the third part of the database's name is its creation time, which stale-database sweeps read
  const database = await freshDatabase('videobench');
  const { dataSource } = await openDatabase({ url: database.url, entities: [], migrations: createMediaModule().migrations, logger: log, poolSize: 4 });
  const prefix = freshRedisPrefix();
  const mediaDir = path.join(dir, 'media');
  const storage = new FilesystemStorage(storageDir({ dataDir: mediaDir }));
  const redis = createRedisConnections(TEST_REDIS_URL, { owner: 'bench-video' });
  const queue = new ProcessingQueue(redis, prefix, dataSource);
  const worker = await startMediaWorker({
    databaseUrl: database.url,
    dataSource,
    redisUrl: TEST_REDIS_URL,
    prefix,
    concurrency: 1,
    videoConcurrency: 1,
    // production mode, as deployed: it refuses the development signing secret
    env: { NODE_ENV: 'production', LOG_LEVEL: 'warn', MEDIA_SIGNING_SECRET: randomBytes(32).toString('hex'), MEDIA_STORAGE: 'filesystem', MEDIA_DIR: mediaDir, MEDIA_WORK_DIR: path.join(dir, 'media-work') },
    logger: log,
  });

  /** Queue → READY of one upload of `file`; per step from media_steps. */
  async function run(file) {
    const id = randomUUID();
    await storage.putFile(sourceKey(id), file);
    await dataSource.query("INSERT INTO media_assets (id, episode_id, owner_id, status, source_key, mime_type) VALUES ($1, $2, $3, 'PROCESSING', $4, 'video/mp4')", [id, randomUUID(), randomUUID(), sourceKey(id)]);
    for (const step of STEPS) await dataSource.query('INSERT INTO media_steps (asset_id, step) VALUES ($1, $2)', [id, step]);
    const started = performance.now();
    await queue.start(id);
    for (;;) {
      const [asset] = await dataSource.query('SELECT status, failed_step, failure_reason FROM media_assets WHERE id = $1', [id]);
      if (asset.status === 'READY') break;
      if (asset.status === 'FAILED') throw new Error(`the pipeline failed at ${asset.failed_step}: ${asset.failure_reason}`);
      await sleep(POLL_MS);
    }
    const total = seconds(started);
    const rows = await dataSource.query('SELECT step, status, attempts, extract(epoch FROM finished_at - started_at)::float8 AS seconds FROM media_steps WHERE asset_id = $1', [id]);
    return {
      total,
      stepSeconds: Object.fromEntries(rows.map((r) => [r.step, r.seconds ?? 0])),
      statuses: Object.fromEntries(rows.map((r) => [r.step, r.status])),
      retried: rows.filter((r) => r.attempts > 1).map((r) => `${r.step} (${r.attempts} attempts)`),
    };
  }

  async function stop() {
    await worker.close();
    await queue.close();
    await redis.close();
    await dataSource.destroy();
    await database.drop();
    await dropRedisPrefix(prefix);
  }
  return { run, stop };
}

function stepTable(pipelineRun, inProcess, bare, commands) {
  const { lines, sum } = stepRows(pipelineRun, inProcess, bare, commands);
  lines.push(`| hand-offs (BullMQ, the video queue's child jobs, sandboxed children, storage copies) | | ${(pipelineRun.total - sum).toFixed(2)} | | | |`);
  return lines.join('\n');
}

const dir = await mkdtemp(path.join(tmpdir(), 'wavegraph-bench-video-'));
let pipeline;
try {
  const source = path.join(dir, 'source');
  await source1080p(source);
  const inProcess = await runStepsInProcess(source, path.join(dir, 'steps'));
  pipeline = await startPipeline(dir);
  // rounds of (bare, pipeline) side by side, so a slow spell of a shared machine hits both alike
  const bares = [];
  const pipelines = [];
  for (let i = 0; i < runs; i += 1) {
    bares.push(await runBare(inProcess.commands));
    pipelines.push(await pipeline.run(source));
  }
  // each round's pipeline against the bare run just before it: what a shared machine's load does to both cancels out most;
  // the tables show the round whose ratio is the median
  const ratios = pipelines.map((p, i) => p.total / bares[i].total);
  const median = ratios.map((r, i) => [r, i]).toSorted(([a], [b]) => a - b)[Math.floor((runs - 1) / 2)][1];
  const bare = bares[median];
  const pipelineRun = pipelines[median];
  const ratio = ratios[median];
  const ladder = inProcess.asset.outputs.video.variants.map((v) => `${v.name} ${v.codecs.split(',')[0]}`).join(', ');
  const [load1, , load15] = loadavg();
  console.log(
    `\nVideo processing: ${videoSeconds} s of 1080p30 H.264/AAC (${((await stat(source)).size / 2 ** 20).toFixed(1)} MiB) → ladder ${ladder}, HLS, poster, storyboard ` +
      `(x264 preset ${process.env.MEDIA_VIDEO_PRESET || 'veryfast'}); ${runs === 1 ? 'one round' : `the median of ${runs} rounds of (bare, pipeline)`}; ` +
      `${cpus().length} cores, load average ${load1.toFixed(1)} (15 min: ${load15.toFixed(1)})\n`,
  );
  console.log('| run | seconds | s per minute of source | vs bare ffmpeg |\n|---|---:|---:|---:|');
  for (const [name, total] of [['bare ffmpeg/ffprobe, by hand (the same commands)', bare.total], ['step code in-process (no queue, database or storage)', inProcess.total], ['pipeline: queued → READY', pipelineRun.total]]) {
    console.log(`| ${name} | ${total.toFixed(2)} | ${perMinute(total).toFixed(2)} | ${pct(total / bare.total)} |`);
  }
  if (runs > 1) {
    console.log(`\nAll runs, seconds: bare ${bares.map((r) => r.total.toFixed(2)).join(', ')}; pipeline ${pipelines.map((r) => r.total.toFixed(2)).join(', ')}`);
    console.log(`Pipeline / bare per round: ${ratios.map((r) => r.toFixed(3)).join(', ')}`);
  }
  console.log(`\nPipeline / bare ffmpeg${runs > 1 ? ' (median of the rounds)' : ''}: ${ratio.toFixed(3)} (${pct(ratio)}; target ≤ 15% over: ${ratio <= 1.15 ? 'met' : 'NOT met'})\n`);
  console.log(stepTable(pipelineRun, inProcess, bare, inProcess.commands));
  if (pipelineRun.retried.length) console.log(`\n⚠ steps retried in the pipeline run: ${pipelineRun.retried.join(', ')}`);
} finally {
  await pipeline?.stop();
  await rm(dir, { recursive: true, force: true });
}

// Media pipeline, each part against a bare baseline in the same run:
// - upload throughput: a file sent with tus-js-client through the gateway's /uploads/<id> (the
//   media subgraph's tus server, up to the answer of the last PATCH, which includes verifying
//   and storing the file), in the chunks the upload ticket recommends, against copying the same
//   file on the same disk;
// - processing time per minute of audio: upload complete → READY (BullMQ flow of sandboxed steps)
//   against the very ffmpeg/ffprobe commands of those steps run by hand, one after the other.
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import { cpus, loadavg } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkServices, ensureSystemTools, installAndBuild, root } from '../scripts/setup.mjs';
import { exec, pct, runBare, runStepsInProcess, stepRows } from './support/steps-in-process.mjs';
import { BENCH_SECRET, createEpisode, creator, graphql, percentile, startBenchStack, withPg } from './lib.mjs';

const require = createRequire(import.meta.url);
// the tus client of the tests (a dependency of packages/testkit)
const tus = require(path.join(root, 'packages/testkit/node_modules/tus-js-client'));

const MB = 1024 * 1024; // MB here means MiB
const uploadMb = Number(process.env.BENCH_UPLOAD_MB ?? 200);
const uploadRuns = Number(process.env.BENCH_UPLOAD_RUNS ?? 3);
// tus-js-client's chunkSize: the upload ticket's (what media tells clients to send) unless set here
const chunkMb = process.env.BENCH_CHUNK_MB ? Number(process.env.BENCH_CHUNK_MB) : null;
// the bench's earlier fixed chunk size, kept as a row: what a client sending smaller chunks gets
const SMALL_CHUNK_MB = 8;
const audioSeconds = Number(process.env.BENCH_AUDIO_SECONDS ?? 600);
const processingRuns = Number(process.env.BENCH_PROCESSING_RUNS ?? 1);
const POLL_MS = 200;
const TIMEOUT_MS = 30_000;
const PROCESSING_TIMEOUT_MS = Math.max(300_000, audioSeconds * 2000);
const TOKEN_HEADER = 'x-upload-token';
// another stack's ports and databases, for running beside a second checkout (default: the 4300s, wavegraph_bench_media_*)
const portOffset = Number(process.env.BENCH_PORT_OFFSET ?? 300);
const stackName = process.env.BENCH_STACK_NAME ?? 'media';
// --upload-only skips the processing part (minutes of ffmpeg) when only the upload rows matter
const uploadOnly = process.argv.includes('--upload-only');

const CREATE_UPLOAD = 'mutation($i: CreateUploadInput!) { createUpload(input: $i) { uploadUrl chunkSize token upload { id asset { id } } } }';
const MEDIA_ASSET = 'query($id: ID!) { mediaAsset(id: $id) { status failedStep failureReason steps { name status attempts } } }';
const DELETE_ASSET = 'mutation($id: ID!) { deleteAsset(assetId: $id) }';

const median = (values) => percentile([...values].sort((a, b) => a - b), 50);
const seconds = (from) => (performance.now() - from) / 1000;
async function timed(fn) {
  const started = performance.now();
  const result = await fn();
  return { seconds: seconds(started), result };
}

// ---------------------------------------------------------------------------------------------
// Setup through the gateway

async function mediaCreator(gateway) {
  const user = await creator(gateway, 'bench_media');
  return { ...user, episodeId: await createEpisode(user, 'Bench media episode') };
}

/** createUpload; media answers NOT_FOUND until catalog's EpisodeCreated has reached it. */
async function createUpload(user, { filename, sizeBytes, mimeType }) {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    try {
      const { createUpload: ticket } = await graphql(user.gateway, CREATE_UPLOAD, { i: { episodeId: user.episodeId, filename, sizeBytes, mimeType } }, user.auth);
      return { uploadUrl: ticket.uploadUrl, chunkSize: chunkMb ? chunkMb * MB : ticket.chunkSize, token: ticket.token, assetId: ticket.upload.asset.id };
    } catch (error) {
      const notFound = error.errors?.some((e) => e.extensions?.code === 'NOT_FOUND');
      if (!notFound || Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

/** Polls the asset every POLL_MS until it is READY or FAILED. */
async function untilSettled(user, assetId, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { mediaAsset } = await graphql(user.gateway, MEDIA_ASSET, { id: assetId }, user.auth);
    if (mediaAsset.status === 'READY' || mediaAsset.status === 'FAILED') return mediaAsset;
    if (Date.now() > deadline) throw new Error(`asset ${assetId} still ${mediaAsset.status} after ${timeoutMs} ms`);
    await sleep(POLL_MS);
  }
}

// ---------------------------------------------------------------------------------------------
// Upload throughput

async function randomFile(file, bytes) {
  const out = createWriteStream(file);
  for (let left = bytes; left > 0; left -= MB) {
    if (!out.write(randomBytes(Math.min(MB, left)))) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
}

/** tus-js-client streaming the file from disk (an fs.ReadStream: it reads each chunk with its own stream), one PATCH per chunk. */
function tusClientUpload(uploadUrl, token, file, chunkSize) {
  return new Promise((resolve, reject) => {
    const chunkSeconds = [];
    let last = performance.now();
    const upload = new tus.Upload(createReadStream(file), {
      uploadUrl,
      headers: { [TOKEN_HEADER]: token },
      chunkSize,
      retryDelays: [],
      storeFingerprintForResuming: false,
      onChunkComplete: () => {
        chunkSeconds.push(seconds(last));
        last = performance.now();
      },
      onSuccess: () => resolve(chunkSeconds),
      onError: reject,
    });
    upload.start();
  });
}

/** The whole file as one streamed PATCH (what a client without chunking sends). */
function singlePatch(uploadUrl, token, file, size) {
  return new Promise((resolve, reject) => {
    const req = http.request(uploadUrl, {
      method: 'PATCH',
      headers: { 'Tus-Resumable': '1.0.0', [TOKEN_HEADER]: token, 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream', 'Content-Length': String(size) },
    }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 204 ? resolve() : reject(new Error(`PATCH answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    createReadStream(file).on('error', reject).pipe(req);
  });
}

/** CPU ms a process has used so far, from /proc (Linux, where it counts in USER_HZ = 100 ticks/s); null elsewhere. */
function processCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/**
 * CPU ms each process spends on a timed run: this one (the client, or the copy), the gateway and
 * media. On a shared machine wall time varies with the neighbours' load; CPU per byte much less.
 */
function cpuMeter(stack) {
  const sample = () => ({ bench: process.cpuUsage(), gateway: processCpuMs(stack.pid('gateway')), media: processCpuMs(stack.pid('media')) });
  const since = (start) => {
    const now = sample();
    const bench = process.cpuUsage(start.bench);
    const diff = (name) => (now[name] === null || start[name] === null ? null : now[name] - start[name]);
    return { bench: (bench.user + bench.system) / 1000, gateway: diff('gateway'), media: diff('media') };
  };
  return { sample, since };
}

/**
 * Timed copies or uploads of `bytes`, one row per spec, MB/s of each run. The rows run in rounds
 * (every row once, then every row again, `uploadRuns` rounds), so a slow spell of a shared machine
 * or the kernel writing back an earlier run's pages hits every row alike instead of whichever row
 * ran then. `prepare` (untimed) returns what `send` needs; `after` (untimed) lets the processing
 * an upload started settle, so nothing runs beside the next measurement; before each timed run
 * the dirty pages of earlier runs are written out (sync), so no run pays for another's.
 */
async function throughputRounds(specs, bytes, meter) {
  const runs = specs.map(() => ({ rates: [], details: [], cpu: [] }));
  for (let i = 0; i < uploadRuns; i += 1) {
    for (const [j, { prepare = async () => undefined, send, after = async () => undefined }] of specs.entries()) {
      const prepared = await prepare(i);
      await exec('sync', []);
      const start = meter.sample();
      const { seconds: s, result } = await timed(() => send(prepared));
      runs[j].cpu.push(meter.since(start));
      runs[j].rates.push(bytes / MB / s);
      runs[j].details.push(result);
      await after(prepared);
    }
  }
  return specs.map(({ name }, j) => {
    const { rates, details, cpu } = runs[j];
    const cpuMedian = (key) => (cpu.some((c) => c[key] === null) ? null : median(cpu.map((c) => c[key])));
    return { name, rates, best: Math.max(...rates), median: median(rates), details, cpu: { bench: cpuMedian('bench'), gateway: cpuMedian('gateway'), media: cpuMedian('media') } };
  });
}

async function uploadThroughput(stack, user) {
  const dir = path.join(stack.dir, 'upload');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'random.bin');
  const copy = path.join(dir, 'copy.bin');
  const bytes = uploadMb * MB;
  await randomFile(file, bytes);
  const mediaOrigin = new URL(stack.url('media')).origin;

  // Random bytes are not media: each upload starts processing that fails at probe. It is waited
  // for (so it never overlaps the next upload), then the asset and its stored file are deleted.
  const ticket = () => createUpload(user, { filename: 'random.mp3', sizeBytes: bytes, mimeType: 'audio/mpeg' });
  const settle = async ({ assetId }) => {
    const asset = await untilSettled(user, assetId, TIMEOUT_MS);
    if (asset.status !== 'FAILED' || asset.failedStep !== 'probe') throw new Error(`random bytes ended ${asset.status} at ${asset.failedStep}: ${asset.failureReason}`);
    await graphql(user.gateway, DELETE_ASSET, { id: assetId }, user.auth);
  };
  const removeCopy = () => rm(copy, { force: true });

  // each upload's chunks as the ticket (or BENCH_CHUNK_MB) says; the row is named after them
  const chunkSizes = {};
  const chunked = (where, url) => ({
    name: where,
    prepare: ticket,
    send: (t) => {
      chunkSizes[where] = t.chunkSize;
      return tusClientUpload(url(t), t.token, file, t.chunkSize);
    },
    after: settle,
  });
  const specs = [
    { name: 'fs.copyFile, same disk', prepare: removeCopy, send: () => copyFile(file, copy) },
    { name: 'streamed copy (read + write streams), same disk', prepare: removeCopy, send: () => pipeline(createReadStream(file), createWriteStream(copy)) },
    chunked('via gateway', (t) => t.uploadUrl),
    chunked('media directly', (t) => t.uploadUrl.replace(stack.origin, mediaOrigin)),
    { name: `tus-js-client, ${SMALL_CHUNK_MB} MB chunks, via gateway`, prepare: ticket, send: (t) => tusClientUpload(t.uploadUrl, t.token, file, SMALL_CHUNK_MB * MB), after: settle },
    { name: 'one streamed PATCH of the whole file, via gateway', prepare: ticket, send: (t) => singlePatch(t.uploadUrl, t.token, file, bytes), after: settle },
  ];
  const rows = await throughputRounds(specs, bytes, cpuMeter(stack));
  await removeCopy();
  await rm(file, { force: true });
  const [, baseline, viaGateway, direct, small] = rows;
  for (const row of [viaGateway, direct]) {
    row.chunkSize = chunkSizes[row.name];
    row.name = `tus-js-client, ${row.chunkSize / MB} MB chunks${chunkMb ? '' : " (the ticket's chunkSize)"}, ${row.name}`;
  }
  // the small-chunk row only says something when the ticket's chunks are other than small ones
  if (viaGateway.chunkSize === SMALL_CHUNK_MB * MB) rows.splice(rows.indexOf(small), 1);

  // the last chunk's answer waits for the finish (size and sha-256 check, storing, commit,
  // queueing); the other chunks show what a PATCH costs without it
  const chunkMbs = viaGateway.chunkSize / MB;
  const lastMb = uploadMb - chunkMbs * (Math.ceil(uploadMb / chunkMbs) - 1);
  const middle = viaGateway.details.map((chunks) => median(chunks.slice(1, -1).length ? chunks.slice(1, -1) : chunks));
  const finish = viaGateway.details.map((chunks, i) => chunks[chunks.length - 1] - (middle[i] * lastMb) / chunkMbs);
  return { rows, baseline, viaGateway, chunk: { mbPerSec: chunkMbs / median(middle), finishSeconds: median(finish), chunks: viaGateway.details[0].length } };
}

function uploadTable(rows, baseline) {
  const lines = [
    `| run | best MB/s | median MB/s | best vs streamed copy | median vs streamed copy | CPU ms: bench process / gateway / media (median) |`,
    '|---|---:|---:|---:|---:|---:|',
  ];
  const ms = (value) => (value === null ? '–' : value.toFixed(0));
  for (const r of rows) {
    const cpu = `${ms(r.cpu.bench)} / ${ms(r.cpu.gateway)} / ${ms(r.cpu.media)}`;
    lines.push(`| ${r.name} | ${r.best.toFixed(0)} | ${r.median.toFixed(0)} | ${(r.best / baseline.best).toFixed(2)}x | ${(r.median / baseline.median).toFixed(2)}x | ${cpu} |`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Processing

/**
 * Speech-like test audio at an odd loudness (about -24 LUFS, peaks near -9 dBTP): pink noise in
 * syllable-rate bursts plus a voiced tone with vibrato, with a pause every few seconds, as a 128k
 * MP3 (44.1 kHz stereo), the usual podcast upload. (amerge + pan rather than amix: ffmpeg 5's
 * amix starts with a burst far above full scale.)
 */
async function speechLike(file, duration) {
  const graph = [
    `anoisesrc=color=pink:amplitude=0.5:sample_rate=44100:seed=7:duration=${duration},tremolo=f=3.7:d=0.9,aformat=sample_fmts=fltp:channel_layouts=mono[noise]`,
    `sine=frequency=165:sample_rate=44100:duration=${duration},vibrato=f=5:d=0.4,tremolo=f=2.3:d=0.95,aformat=sample_fmts=fltp:channel_layouts=mono[voice]`,
    `[noise][voice]amerge=inputs=2,pan=stereo|c0=0.9*c0+0.6*c1|c1=0.8*c0+0.6*c1,volume='if(lt(mod(t,6.3),4.8),1,0.02)':eval=frame,volume=-1.5dB,aformat=sample_fmts=s16p`,
  ].join(';');
  await exec('ffmpeg', ['-hide_banner', '-nostdin', '-y', '-v', 'error', '-filter_complex', graph, '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3', file]);
}




/** Upload complete (the last PATCH answered) → READY as polled through the gateway; per step from media_steps. */
async function runPipeline(stack, user, source) {
  const { size } = await stat(source);
  const ticket = await createUpload(user, { filename: 'speech.mp3', sizeBytes: size, mimeType: 'audio/mpeg' });
  await tusClientUpload(ticket.uploadUrl, ticket.token, source, ticket.chunkSize);
  const uploaded = performance.now();
  const asset = await untilSettled(user, ticket.assetId, PROCESSING_TIMEOUT_MS);
  const total = seconds(uploaded);
  if (asset.status !== 'READY') throw new Error(`the pipeline failed at ${asset.failedStep}: ${asset.failureReason}`);
  const retried = asset.steps.filter((s) => s.attempts > 1).map((s) => `${s.name} (${s.attempts} attempts)`);
  return withPg(stack.databaseUrl('media'), async (client) => {
    const steps = await client.query(
      'SELECT step, status, extract(epoch FROM finished_at - started_at)::float8 AS seconds FROM media_steps WHERE asset_id = $1',
      [ticket.assetId],
    );
    const [server] = (
      await client.query(
        `SELECT extract(epoch FROM a.ready_at - u.completed_at)::float8 AS total,
                extract(epoch FROM min(s.started_at) - u.completed_at)::float8 AS pickup,
                extract(epoch FROM a.ready_at - max(s.finished_at))::float8 AS finalize
           FROM media_assets a JOIN uploads u ON u.asset_id = a.id AND u.status = 'COMPLETED' JOIN media_steps s ON s.asset_id = a.id
          WHERE a.id = $1 GROUP BY a.ready_at, u.completed_at`,
        [ticket.assetId],
      )
    ).rows;
    const stepSeconds = Object.fromEntries(steps.rows.map((row) => [row.step, row.seconds ?? 0]));
    return { total, server, stepSeconds, statuses: Object.fromEntries(steps.rows.map((row) => [row.step, row.status])), retried };
  });
}

const perMinute = (s, duration) => s / (duration / 60);

function processingTable(rows, duration, bare) {
  const lines = ['| run | seconds | s per minute of audio | vs bare ffmpeg |', '|---|---:|---:|---:|'];
  for (const r of rows) lines.push(`| ${r.name} | ${r.total.toFixed(2)} | ${perMinute(r.total, duration).toFixed(2)} | ${pct(r.total / bare.total)} |`);
  return lines.join('\n');
}

function stepTable(pipelineRun, inProcess, bare, commands) {
  const { lines, sum } = stepRows(pipelineRun, inProcess, bare, commands);
  lines.push(`| queue pickup after upload (finish → probe started) | | ${pipelineRun.server.pickup.toFixed(2)} | | | |`);
  lines.push(`| hand-offs between steps (BullMQ, sandboxed child, loading the asset) | | ${(pipelineRun.server.total - sum - pipelineRun.server.pickup - pipelineRun.server.finalize).toFixed(2)} | | | |`);
  lines.push(`| finalize (last step done → READY) | | ${pipelineRun.server.finalize.toFixed(2)} | | | |`);
  lines.push(`| **server total** (upload completed_at → ready_at) | | ${pipelineRun.server.total.toFixed(2)} | | | ${pct(pipelineRun.server.total / bare.total)} |`);
  lines.push(`| **client total** (last PATCH answered → READY polled every ${POLL_MS} ms) | | ${pipelineRun.total.toFixed(2)} | | | ${pct(pipelineRun.total / bare.total)} |`);
  return lines.join('\n');
}

/** The recorded commands as one would type them, paths below the bench's temp dir shortened. */
function commandList(commands, dir) {
  const quote = (arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`);
  return commands.map((c, i) => `${String(i + 1).padStart(2)}. [${c.step}] ${[c.tool, ...c.args].map(quote).join(' ').split(dir).join('$BENCH')}`).join('\n');
}

async function processing(stack, user) {
  const dir = path.join(stack.dir, 'processing');
  await mkdir(dir, { recursive: true });
  // named like the worker's copy of an upload (assets/<id>/source), so the commands match
  const source = path.join(dir, 'source');
  await speechLike(source, audioSeconds);

  const inProcess = await runStepsInProcess(source, path.join(dir, 'steps'));
  const duration = inProcess.asset.duration_seconds;
  // rounds of (bare, pipeline) side by side, so a slow spell of a shared machine hits both alike
  const bares = [];
  const pipelines = [];
  for (let i = 0; i < processingRuns; i += 1) {
    bares.push(await runBare(inProcess.commands));
    pipelines.push(await runPipeline(stack, user, source));
  }
  const pick = (runs) => runs.toSorted((a, b) => a.total - b.total)[Math.floor((runs.length - 1) / 2)];
  return { source, duration, inProcess, bares, pipelines, bare: pick(bares), pipelineRun: pick(pipelines), dir, size: (await stat(source)).size };
}

async function processingReport(stack, user) {
  const p = await processing(stack, user);
  const { bare, pipelineRun, inProcess } = p;
  console.log(
    `\nProcessing ${(p.duration / 60).toFixed(1)} minutes of speech-like audio (128k MP3, 44.1 kHz stereo, ${(p.size / MB).toFixed(1)} MB, ` +
      `${inProcess.asset.input_lufs.toFixed(1)} LUFS in, ${inProcess.asset.integrated_lufs.toFixed(1)} LUFS out); ` +
      `${processingRuns === 1 ? 'one run each' : `median of ${processingRuns} runs each${processingRuns % 2 ? '' : ' (the lower middle one)'}`}, same commands in the same order; NODE_ENV=production\n`,
  );
  console.log(
    processingTable(
      [
        { name: 'bare ffmpeg/ffprobe, by hand (the commands below)', total: bare.total },
        { name: 'step code in-process (no queue, database or storage)', total: inProcess.total },
        { name: 'pipeline: upload complete → READY, polled through the gateway', total: pipelineRun.total },
      ],
      p.duration,
      bare,
    ),
  );
  if (processingRuns > 1) {
    console.log(`\nAll runs, seconds: bare ${p.bares.map((r) => r.total.toFixed(2)).join(', ')}; pipeline ${p.pipelines.map((r) => r.total.toFixed(2)).join(', ')}`);
  }
  const overhead = pipelineRun.total / bare.total - 1;
  console.log(`\nPipeline overhead over bare ffmpeg: ${(overhead * 100).toFixed(1)}% (target ≤ 15%: ${overhead <= 0.15 ? 'met' : 'NOT met'})\n`);
  console.log(stepTable(pipelineRun, inProcess, bare, inProcess.commands));
  if (pipelineRun.retried.length) console.log(`\n⚠ steps retried in the pipeline run: ${pipelineRun.retried.join(', ')}`);
  console.log(`\nThe commands (recorded from the steps' own code, $BENCH = a temp dir):\n\n${commandList(inProcess.commands, p.dir)}`);
}

// ---------------------------------------------------------------------------------------------

if (!process.argv.includes('--no-build')) {
  checkServices();
  installAndBuild();
}
// also with --no-build (bench/run.mjs builds once, then runs each bench with it)
ensureSystemTools(['ffmpeg']);
const stack = await startBenchStack({ name: stackName, portOffset, secret: BENCH_SECRET });
try {
  const user = await mediaCreator(stack.url('gateway'));

  const upload = await uploadThroughput(stack, user);
  const [load1, , load15] = loadavg();
  console.log(
    `\nUpload throughput: ${uploadMb} MB of random bytes (MB = 2^20 bytes), best and median of ${uploadRuns} runs each, in rounds of every row; NODE_ENV=production; ` +
      `${cpus().length} cores, load average ${load1.toFixed(1)} (15 min: ${load15.toFixed(1)}) at the end, since other work on the machine shows in every row\n`,
  );
  console.log(uploadTable(upload.rows, upload.baseline));
  const ratio = upload.viaGateway.median / upload.baseline.median;
  console.log(
    `\ntus via gateway vs streamed copy: ${ratio.toFixed(2)}x (median; best ${(upload.viaGateway.best / upload.baseline.best).toFixed(2)}x) ` +
      `(target ≥ 0.8x: ${ratio >= 0.8 ? 'met' : 'NOT met'})`,
  );
  // a copy is one process; an upload moves every byte through three (client, gateway, media), so
  // with fewer idle cores than that its speed follows its CPU: the sum says what it can reach
  const chainCpu = (row) => (row.cpu.gateway === null ? null : row.cpu.bench + row.cpu.gateway + row.cpu.media);
  if (chainCpu(upload.viaGateway) !== null) {
    console.log(
      `\nCPU of all processes per upload (bench + gateway + media, medians): ${chainCpu(upload.viaGateway).toFixed(0)} ms via gateway ` +
        `against ${chainCpu(upload.baseline).toFixed(0)} ms for the streamed copy (${(chainCpu(upload.viaGateway) / chainCpu(upload.baseline)).toFixed(2)}x).`,
    );
  }
  console.log(
    `\nAn upload is timed to the answer of its last PATCH, which the server gives after finishing the upload (size and sha-256 check, ` +
      `storing the file, commit, queueing the processing). Via the gateway the ${Math.max(upload.chunk.chunks - 2, 0)} chunks other than the first and last ` +
      `ran at ${upload.chunk.mbPerSec.toFixed(0)} MB/s (median), and the last chunk took ${upload.chunk.finishSeconds.toFixed(2)} s longer than its bytes at that rate (that finish).`,
  );

  if (!uploadOnly) await processingReport(stack, user);
} finally {
  await stack.stop();
}

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { WavegraphClient } from '@wavegraph/client';
import { eventually } from '@wavegraph/testkit';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';
import { creatorWithEpisode } from './support/users';

const run = promisify(execFile);

/** ffprobe's chapter titles and starts of a file. */
async function marksOf(file: string): Promise<[number, string][]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_chapters', '-print_format', 'json', file]);
  return (JSON.parse(stdout) as { chapters: { start_time: string; tags?: { title?: string } }[] }).chapters.map((c) => [Number(c.start_time), c.tags?.title ?? '']);
}

describe('an episode made from text, with chapters, through the gateway', () => {
  let supergraph: TestSupergraph;
  let dir: string;
  let creator: WavegraphClient;
  let episodeId: string;

  beforeAll(async () => {
    supergraph = await startTestSupergraph();
    dir = mkdtempSync(path.join(tmpdir(), 'wgtest-tts-e2e-'));
    ({ client: creator, episodeId } = await creatorWithEpisode(supergraph, 'voice', { slug: 'read-aloud', title: 'Read Aloud', category: 'EDUCATION' }, 'Rivers'));
  });
  afterAll(async () => {
    await supergraph?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a script becomes READY audio; chapters are refused past its end, then served as JSON and marked in the downloads', async () => {
    const { ttsVoices } = await supergraph.client().TtsVoices();
    expect(ttsVoices.map((v) => v.id)).toContain('flite:rms');

    const script = 'Rivers begin as rain in the hills.\n\nThey carve valleys over thousands of years. Then they meet the sea.';
    const { createEpisodeAudioFromScript: created } = await eventually(() => creator.CreateEpisodeAudioFromScript({ episodeId, script, voice: 'flite:rms' }));
    expect(created.steps[0]).toMatchObject({ name: 'synthesize' });
    const media = await eventually(async () => {
      const { episode } = await creator.EpisodeMedia({ id: episodeId });
      expect(episode?.media).toMatchObject({ id: created.id, status: 'READY' });
      return episode!.media!;
    }, 90_000);
    expect(media.steps.map((s) => [s.name, s.status])).toEqual([
      ['synthesize', 'DONE'], ['probe', 'DONE'], ['loudness', 'DONE'], ['renditions', 'DONE'], ['video', 'SKIPPED'], ['hls', 'DONE'],
      ['waveform', 'DONE'], ['thumbnail', 'SKIPPED'], ['storyboard', 'SKIPPED'], ['transcribe', 'DONE'],
    ]);
    expect(media.hls?.masterUrl).toBeTruthy();
    const duration = media.durationSeconds as number;
    expect(duration).toBeGreaterThan(3);

    // its transcript is the script, sentence by sentence, at the times each is spoken
    const { episode: read } = await supergraph.client().EpisodeTranscript({ id: episodeId });
    expect(read?.transcript).toMatchObject({ engine: 'script', status: 'READY', language: 'en-US' });
    const spoken = read!.transcript!.segments.edges.map((e) => e.node);
    expect(spoken.map((s) => s.text)).toEqual(['Rivers begin as rain in the hills.', 'They carve valleys over thousands of years.', 'Then they meet the sea.']);
    expect(spoken[0].startSeconds).toBe(0);
    for (let i = 1; i < spoken.length; i++) expect(spoken[i].startSeconds).toBeGreaterThan(spoken[i - 1].endSeconds);
    expect(Math.abs(spoken.at(-1)!.endSeconds - duration)).toBeLessThan(0.1);
    expect((await fetch(read!.transcript!.vttUrl as string)).status).toBe(200);

    const late = creator.SetEpisodeChapters({ episodeId, chapters: [{ startSeconds: 0, title: 'Rain' }, { startSeconds: duration + 1, title: 'Ocean' }] });
    const refused = await late.then(
      () => null,
      (error: { response?: { errors?: { extensions?: Record<string, unknown> }[] } }) => error.response?.errors?.[0]?.extensions,
    );
    // the client is told which chapter, through the gateway
    expect(refused).toEqual({ code: 'BAD_USER_INPUT', field: 'chapters[1].startSeconds', chapter: 2, serviceName: 'media' });

    const { setEpisodeChapters } = await creator.SetEpisodeChapters({ episodeId, chapters: [{ startSeconds: 0, title: 'Rain' }, { startSeconds: 2, title: 'Valleys', url: 'https://example.com/valleys' }] });
    expect(setEpisodeChapters?.chapters?.map((c) => [c.startSeconds, c.endSeconds, c.title])).toEqual([[0, 2, 'Rain'], [2, duration, 'Valleys']]);
    // a listener reads the Podcasting 2.0 JSON through the gateway's signed URL
    const { episode } = await supergraph.client().EpisodeChapters({ id: episodeId });
    const json = await fetch(episode?.chaptersUrl as string);
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({
      version: '1.2.0',
      chapters: [{ startTime: 0, title: 'Rain', endTime: 2 }, { startTime: 2, title: 'Valleys', url: 'https://example.com/valleys', endTime: duration }],
    });

    // the worker re-muxes the downloads with the marks; a listener's .m4a carries them
    await eventually(async () => {
      const { episode: now } = await supergraph.client().EpisodeMedia({ id: episodeId });
      const url = now?.media?.renditions[0]?.url as string;
      const file = path.join(dir, 'download.m4a');
      writeFileSync(file, Buffer.from(await (await fetch(url)).arrayBuffer()));
      expect(await marksOf(file)).toEqual([[0, 'Rain'], [2, 'Valleys']]);
    }, 60_000);
  }, 180_000);
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WavegraphClient } from '@wavegraph/client';
import { eventually, sendWithTusClient, sha256Of } from '@wavegraph/testkit';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';
import { creatorWithEpisode } from './support/users';

/** flite's speech of each text, one after the other in one WAV, and where each part starts. */
function speechInParts(dir: string, texts: string[]): { file: string; starts: number[] } {
  const parts = texts.map((text, i) => {
    const file = path.join(dir, `part-${i}.wav`);
    execFileSync('flite', ['-voice', 'slt', '-t', text, '-o', file]);
    return file;
  });
  const durations = parts.map((file) => Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]).toString().trim()));
  const file = path.join(dir, 'speech.wav');
  const filter = `${parts.map((_, i) => `[${i}:a]`).join('')}concat=n=${parts.length}:v=0:a=1`;
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...parts.flatMap((part) => ['-i', part]), '-filter_complex', filter, file]);
  return { file, starts: durations.map((_, i) => durations.slice(0, i).reduce((sum, d) => sum + d, 0)) };
}

/** How long flite takes to say `text`: where the word after it starts, inside a sentence flite says the same way. */
function spokenFor(dir: string, text: string): number {
  const file = path.join(dir, 'prefix.wav');
  execFileSync('flite', ['-voice', 'slt', '-t', text, '-o', file]);
  return Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]).toString().trim());
}

describe('transcripts through the gateway: speech uploaded, recognised, read by a listener, searched, replaced by its creator', () => {
  let supergraph: TestSupergraph;
  let dir: string;
  let creator: WavegraphClient;
  let episodeId: string;

  beforeAll(async () => {
    supergraph = await startTestSupergraph();
    dir = mkdtempSync(path.join(tmpdir(), 'wgtest-transcripts-e2e-'));
    ({ client: creator, episodeId } = await creatorWithEpisode(supergraph, 'words', { slug: 'spoken-word', title: 'Spoken Word', category: 'EDUCATION' }, 'Weather'));
  });
  afterAll(async () => {
    await supergraph?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives a listener the timed words and signed captions, finds the episode by a word with when it was said; the creator replaces them, a malformed file is refused with its line', async () => {
    const speech = speechInParts(dir, ['Podcasts are a wonderful way to learn new things.', 'The weather today is sunny and warm in the mountains.']);
    const bytes = readFileSync(speech.file);
    const { createUpload: ticket } = await eventually(() =>
      creator.CreateUpload({ input: { episodeId, filename: 'speech.wav', sizeBytes: bytes.length, mimeType: 'audio/wav', sha256: sha256Of(bytes) } }),
    );
    expect(await sendWithTusClient(ticket.uploadUrl, ticket.token, bytes).done).toBe('finished');
    await eventually(async () => {
      const { episode } = await creator.EpisodeMedia({ id: episodeId });
      expect(episode?.media?.status).toBe('READY');
    }, 120_000);

    // a listener without an account reads what was said, and when
    const listener = supergraph.client();
    const { episode } = await listener.EpisodeTranscriptWords({ id: episodeId });
    const words = episode!.transcript!.segments.edges.flatMap((e) => e.node.words);
    const weather = words.find((w) => w.text === 'weather');
    expect(Math.abs(weather!.startSeconds - speech.starts[1])).toBeLessThan(1);
    const { episode: text } = await listener.EpisodeTranscript({ id: episodeId });
    expect(text!.transcript).toMatchObject({ status: 'READY', engine: 'pocketsphinx', language: 'en-US', revision: 1 });
    const vtt = await fetch(text!.transcript!.vttUrl!);
    expect(vtt.headers.get('content-type')).toContain('text/vtt');
    const cues = (await vtt.text()).split('\n\n');
    expect(cues[0]).toBe('WEBVTT');
    expect(cues.slice(1).filter(Boolean).map((cue) => cue.split('\n')[1])).toEqual(text!.transcript!.segments.edges.map((e) => e.node.text));

    // anyone searches for a word said deep inside a segment (no pause before it): the hit says when it was said
    const mountainsAt = speech.starts[1] + spokenFor(dir, 'The weather today is sunny and warm in the');
    const hitFor = (query: string) =>
      eventually(async () => {
        const { search } = await listener.Search({ query, filter: { kind: 'EPISODE' } });
        return search.edges.find((e) => e.node.episode?.id === episodeId)?.node ?? false;
      }, 60_000, 250);
    const hit = await hitFor('mountains');
    expect(hit.episode?.title).toBe('Weather');
    expect(hit.matches).toHaveLength(1);
    expect(hit.matches![0].text).toContain('<mark>mountains</mark>');
    expect(Math.abs(hit.matches![0].startSeconds - mountainsAt)).toBeLessThanOrEqual(1);
    expect(hit.matches![0].endSeconds).toBeGreaterThan(hit.matches![0].startSeconds);
    const weatherHit = await hitFor('weather');
    expect(Math.abs(weatherHit.matches![0].startSeconds - weather!.startSeconds)).toBeLessThan(0.01);

    // the creator's malformed upload is refused with the line at fault; a good one replaces the transcript
    const refused = await creator.ReplaceTranscript({ episodeId, format: 'VTT', content: 'WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nbroken\n' }).then(
      () => null,
      (error: { response?: { errors?: { extensions?: Record<string, unknown> }[] } }) => error.response?.errors?.[0]?.extensions,
    );
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', line: 3 });
    const { replaceTranscript } = await creator.ReplaceTranscript({ episodeId, format: 'SRT', content: '1\n00:00:00,500 --> 00:00:03,000\nPodcasts teach us things.\n' });
    expect(replaceTranscript).toMatchObject({ engine: 'upload', revision: 2, status: 'READY' });
    const { episode: after } = await listener.EpisodeTranscript({ id: episodeId });
    expect(after!.transcript!.segments.edges.map((e) => e.node.text)).toEqual(['Podcasts teach us things.']);
    // search follows the new revision: the new words are found inside their cue (a caption file times
    // cues, not words, so the word's place in the cue is estimated), the old ones are gone
    const [taught] = (await hitFor('teach')).matches!;
    expect(taught).toMatchObject({ endSeconds: 3, text: 'Podcasts <mark>teach</mark> us things.' });
    expect(taught.startSeconds).toBeGreaterThan(0.5);
    expect(taught.startSeconds).toBeLessThan(3);
    await eventually(async () => {
      const { search } = await listener.Search({ query: 'mountains', filter: { kind: 'EPISODE' } });
      expect(search.edges.map((e) => e.node.episode?.id)).not.toContain(episodeId);
    }, 60_000, 250);
  }, 240_000);
});

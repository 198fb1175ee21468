import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WavegraphClient } from '@wavegraph/client';
import { eventually, sendWithTusClient, sha256Of } from '@wavegraph/testkit';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';

/*
 * What was said in an episode, found through the gateway: speech synthesised with flite from a
 * known text is uploaded, media's `transcribe` step turns it into a timed transcript and records
 * TranscriptPublished, discovery indexes it, and a search for a spoken word says when it was
 * spoken. Needs media's transcribe step (pocketsphinx) and flite, as scripts/setup.mjs installs.
 */
const seconds = (file: string): number =>
  Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim());

describe('searching what was said in an episode, through the gateway', () => {
  let supergraph: TestSupergraph;
  let dir: string;
  let creator: WavegraphClient;
  let episodeId: string;

  beforeAll(async () => {
    supergraph = await startTestSupergraph();
    dir = mkdtempSync(path.join(tmpdir(), 'wgtest-transcript-e2e-'));
    const { register } = await supergraph.client().Register({ input: { email: 'voice@example.com', handle: 'voice', displayName: 'Voice', password: 'a voice long password' } });
    creator = supergraph.client(register.accessToken);
    const { createShow } = await creator.CreateShow({ input: { slug: 'spoken-word', title: 'Spoken Word', category: 'TECHNOLOGY', language: 'en' } });
    episodeId = (await creator.CreateEpisode({ input: { showId: createShow.id, title: 'A short talk' } })).createEpisode.id;
    await creator.PublishEpisode({ id: episodeId });
  });
  afterAll(async () => {
    await supergraph?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds an episode by a word spoken in it, with the time it was spoken to within a second', async () => {
    // two sentences two seconds apart: the searched word opens the second one
    const [first, second, source] = ['first.wav', 'second.wav', 'talk.mp3'].map((name) => path.join(dir, name));
    execFileSync('flite', ['-voice', 'slt', '-t', 'Welcome to the show. Today we talk about the weather.', '-o', first]);
    execFileSync('flite', ['-voice', 'slt', '-t', 'Computers are changing the world of music.', '-o', second]);
    execFileSync('ffmpeg', [
      '-v', 'error', '-i', first, '-f', 'lavfi', '-t', '2', '-i', 'anullsrc=r=16000:cl=mono', '-i', second,
      '-filter_complex', '[0:a]aresample=16000,aformat=channel_layouts=mono[a];[2:a]aresample=16000,aformat=channel_layouts=mono[b];[a][1:a][b]concat=n=3:v=0:a=1[out]',
      '-map', '[out]', '-ac', '1', '-b:a', '64k', '-y', source,
    ]);
    const spokenAt = seconds(first) + 2;
    const bytes = readFileSync(source);

    const { createUpload: ticket } = await eventually(() =>
      creator.CreateUpload({ input: { episodeId, filename: 'talk.mp3', sizeBytes: bytes.length, mimeType: 'audio/mpeg', sha256: sha256Of(bytes) } }),
    );
    expect(await sendWithTusClient(ticket.uploadUrl, ticket.token, bytes).done).toBe('finished');
    await eventually(async () => {
      const { episode } = await creator.EpisodeMedia({ id: episodeId });
      expect(episode?.media?.status).toBe('READY');
    }, 120_000, 250);

    // anyone searches; the hit says where in the episode the word was spoken
    const anonymous = supergraph.client();
    const hit = await eventually(async () => {
      const { search } = await anonymous.Search({ query: 'computers', filter: { kind: 'EPISODE' } });
      return search.edges.find((e) => e.node.episode?.id === episodeId)?.node ?? false;
    }, 60_000, 250);
    expect(hit.episode?.title).toBe('A short talk');
    expect(hit.matches).toHaveLength(1);
    const [match] = hit.matches!;
    expect(match.text).toContain('<mark>computers</mark>');
    expect(Math.abs(match.startSeconds - spokenAt)).toBeLessThanOrEqual(1);
    expect(match.endSeconds).toBeGreaterThan(match.startSeconds);
    // a word of the first sentence is found too, at its start
    const { search } = await anonymous.Search({ query: 'weather', filter: { kind: 'EPISODE' } });
    const weather = search.edges.find((e) => e.node.episode?.id === episodeId)?.node;
    expect(weather?.matches?.[0]?.startSeconds).toBeLessThan(spokenAt - 1);
  }, 240_000);
});

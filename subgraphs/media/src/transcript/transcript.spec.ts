import type { Viewer } from '@wavegraph/auth';
import { EpisodeUnpublished } from '@wavegraph/events';
import type { KnownEpisodeData } from '@wavegraph/testkit';
import { WebVTTParser } from 'webvtt-parser';
import { seedAsset } from '../testing/fixtures';
import { errorOf, outboxOf, startMedia, viewer, type MediaHarness } from '../testing/harness';
import { segmentWords } from './segmenting';
import { newTranscriptKeys, putTranscriptFiles, transcriptPrefix } from './transcript.files';
import { parseTranscriptFile } from './transcript.formats';
import { saveTranscript } from './transcript.store';

const TRANSCRIPT = `query($r: [_Any!]!, $first: Int, $after: String) { _entities(representations: $r) { ... on Episode { id transcript {
  language engine status reason revision vttUrl srtUrl jsonUrl
  segments(first: $first, after: $after) { edges { cursor node { position startSeconds endSeconds text speaker words { text startSeconds endSeconds confidence } } } pageInfo { hasNextPage hasPreviousPage endCursor } }
} } } }`;
const REPLACE = `mutation($e: ID!, $f: TranscriptFileFormat!, $c: String!, $l: String) { replaceTranscript(episodeId: $e, format: $f, content: $c, language: $l) {
  engine language revision status segments(first: 100) { edges { node { startSeconds endSeconds text speaker words { text } } } } } }`;
const EDIT = `mutation($e: ID!, $edits: [TranscriptSegmentEdit!]!) { editTranscriptSegments(episodeId: $e, edits: $edits) {
  engine revision segments { edges { node { position startSeconds endSeconds text words { text startSeconds endSeconds confidence } } } } } }`;
const LANGUAGE = 'mutation($e: ID!, $l: String!) { setTranscriptLanguage(episodeId: $e, language: $l) { language status revision } }';

interface Segment {
  position: number;
  startSeconds: number;
  endSeconds: number;
  text: string;
  speaker: string | null;
  words: { text: string; startSeconds: number; endSeconds: number; confidence: number }[];
}
interface TranscriptData {
  language: string;
  engine: string;
  status: string;
  reason: string | null;
  revision: number;
  vttUrl: string | null;
  srtUrl: string | null;
  jsonUrl: string | null;
  segments: { edges: { cursor: string; node: Segment }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null } };
}

/** Words as pocketsphinx would give them: three sentences of a 61.5 s episode (the seeded duration). */
const WORDS = [
  { text: 'welcome', start: 0.5, end: 1, confidence: 0.9 },
  { text: 'back', start: 1.1, end: 1.5, confidence: 0.8 },
  { text: 'today', start: 3, end: 3.4, confidence: 0.95 },
  { text: 'we', start: 3.5, end: 3.6, confidence: 0.7 },
  { text: 'talk', start: 3.7, end: 4, confidence: 0.9 },
  { text: 'goodbye', start: 60, end: 61, confidence: 0.99 },
];

describe('Episode.transcript and its changes', () => {
  let h: MediaHarness;
  let owner: Viewer;
  let episode: KnownEpisodeData;
  let episodeId: string;
  let assetId: string;

  const ds = () => h.running.db.dataSource;
  const read = (who: Viewer | null, vars: { first?: number; after?: string } = {}) =>
    h.call<{ _entities: { id: string; transcript: TranscriptData | null }[] }>(TRANSCRIPT, { r: [{ __typename: 'Episode', id: episodeId }], ...vars }, who);
  const transcriptOf = async (who: Viewer | null) => (await read(who, { first: 100 })).data?._entities[0].transcript ?? null;
  const events = async () => (await outboxOf(h, episodeId)).filter((e) => e.type === 'media.TranscriptPublished').map((e) => e.payload);
  const stored = () => h.services.storage.list(transcriptPrefix(assetId));
  const fetchText = async (url: string) => {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    return { type: res.headers.get('content-type'), body: await res.text() };
  };

  beforeAll(async () => {
    h = await startMedia();
    owner = viewer();
    episode = await h.catalog.episodeOwnedBy(owner.id, 'PUBLISHED');
    episodeId = episode.episodeId;
    assetId = await seedAsset(h, { episodeId, ownerId: owner.id, status: 'READY' });
    // what the transcribe step leaves: files, rows and the event
    const keys = newTranscriptKeys(assetId);
    const segments = segmentWords(WORDS);
    await putTranscriptFiles(h.services.storage, segments, keys);
    await ds().transaction((tx) => saveTranscript(tx, { assetId, episodeId, ownerId: owner.id, language: 'en-US', engine: 'pocketsphinx', status: 'READY', segments, files: keys }));
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('shows the transcript of the media to anyone, segments paged with their words, files signed', async () => {
    const first = await read(null, { first: 2 });
    expect(first.errors).toBeUndefined();
    const transcript = first.data!._entities[0].transcript!;
    expect(transcript).toMatchObject({ language: 'en-US', engine: 'pocketsphinx', status: 'READY', reason: null, revision: 1 });
    expect(transcript.segments.edges.map((e) => e.node.text)).toEqual(['welcome back', 'today we talk']);
    expect(transcript.segments.edges[0].node).toMatchObject({ position: 0, startSeconds: 0.5, endSeconds: 1.5, speaker: null });
    expect(transcript.segments.edges[0].node.words).toEqual([
      { text: 'welcome', startSeconds: 0.5, endSeconds: 1, confidence: 0.9 },
      { text: 'back', startSeconds: 1.1, endSeconds: 1.5, confidence: 0.8 },
    ]);
    expect(transcript.segments.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const next = (await read(null, { first: 2, after: transcript.segments.pageInfo.endCursor! })).data!._entities[0].transcript!;
    expect(next.segments.edges.map((e) => [e.node.position, e.node.text])).toEqual([[2, 'goodbye']]);
    expect(next.segments.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(errorOf(await read(null, { after: 'nonsense' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });

    const vtt = await fetchText(transcript.vttUrl!);
    expect(vtt.type).toBe('text/vtt; charset=utf-8');
    const cues = new WebVTTParser().parse(vtt.body, 'subtitles');
    expect(cues.errors).toEqual([]);
    expect(cues.cues.map((c) => c.text)).toEqual(['welcome back', 'today we talk', 'goodbye']);
    expect(parseTranscriptFile((await fetchText(transcript.srtUrl!)).body, 'SRT').map((s) => s.start)).toEqual([0.5, 3, 60]);
    expect(JSON.parse((await fetchText(transcript.jsonUrl!)).body).segments[2]).toEqual({ startTime: 60, endTime: 61, body: 'goodbye' });
    // the signature covers the file: another key with the same signature is refused
    expect((await fetch(transcript.vttUrl!.replace('transcript.vtt', 'transcript.srt'))).status).toBe(403);
  });

  it('refuses a malformed WebVTT file with the line at fault and writes nothing', async () => {
    const before = { files: await stored(), events: await events(), transcript: await transcriptOf(owner) };
    const vtt = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nfine\n\n00:00:03.000 --> 00:00:04.00\nbroken\n';
    const res = await h.call(REPLACE, { e: episodeId, f: 'VTT', c: vtt }, owner);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'content', line: 6 });
    expect(res.errors?.[0].message).toMatch(/^Malformed WebVTT file, line 6: /);
    // a cue past the end of the media is refused too
    const late = await h.call(REPLACE, { e: episodeId, f: 'VTT', c: 'WEBVTT\n\n00:01:00.000 --> 00:01:09.000\ntoo late\n' }, owner);
    expect(late.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endSeconds' });
    expect({ files: await stored(), events: await events(), transcript: await transcriptOf(owner) }).toEqual(before);
  });

  it('lets only the owner and staff change it', async () => {
    const srt = '1\n00:00:01,000 --> 00:00:02,000\nhello\n';
    expect(errorOf(await h.call(REPLACE, { e: episodeId, f: 'SRT', c: srt }, null))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(errorOf(await h.call(REPLACE, { e: episodeId, f: 'SRT', c: srt }, viewer()))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await h.call(EDIT, { e: episodeId, edits: [{ position: 0, text: 'x' }] }, viewer()))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await h.call(LANGUAGE, { e: episodeId, l: 'de-DE' }, viewer()))).toMatchObject({ code: 'FORBIDDEN' });
    expect((await transcriptOf(null))?.revision).toBe(1);
  });

  it('replaces it with an uploaded SRT: a new revision, new files, the old ones gone, TranscriptPublished', async () => {
    const oldFiles = await stored();
    const srt = '1\r\n00:00:01,000 --> 00:00:04,500\r\n<i>Welcome</i> back & hello\r\n\r\n2\r\n00:00:05,000 --> 00:00:08,000\r\nSecond line\r\nwraps here\r\n';
    const res = await h.call<{ replaceTranscript: { engine: string; language: string; revision: number; segments: { edges: { node: Segment }[] } } }>(
      REPLACE, { e: episodeId, f: 'SRT', c: srt, l: 'en-gb' }, owner,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.replaceTranscript).toMatchObject({ engine: 'upload', language: 'en-GB', revision: 2 });
    expect(res.data?.replaceTranscript.segments.edges.map((e) => [e.node.startSeconds, e.node.endSeconds, e.node.text])).toEqual([
      [1, 4.5, 'Welcome back & hello'],
      [5, 8, 'Second line wraps here'],
    ]);
    expect(res.data?.replaceTranscript.segments.edges[1].node.words.map((w) => w.text)).toEqual(['Second', 'line', 'wraps', 'here']);
    const files = await stored();
    expect(files).toHaveLength(3);
    expect(files.some((key) => oldFiles.includes(key))).toBe(false);
    const vtt = await fetchText((await transcriptOf(null))!.vttUrl!);
    expect(vtt.body).toContain('00:00:05.000 --> 00:00:08.000\nSecond line wraps here');
    expect((await events()).at(-1)).toMatchObject({
      revision: 2, engine: 'upload', language: 'en-GB',
      segments: [{ startSeconds: 1, endSeconds: 4.5, text: 'Welcome back & hello' }, { startSeconds: 5, endSeconds: 8, text: 'Second line wraps here' }],
    });
  });

  it('edits text and times of segments, validated, as a new revision with an event', async () => {
    const staff = viewer('EDITOR');
    const res = await h.call<{ editTranscriptSegments: { engine: string; revision: number; segments: { edges: { node: Segment }[] } } }>(
      EDIT, { e: episodeId, edits: [{ position: 0, text: 'Welcome back, everyone' }, { position: 1, startSeconds: 6, endSeconds: 9 }] }, staff,
    );
    expect(res.errors).toBeUndefined();
    const [first, second] = res.data!.editTranscriptSegments.segments.edges.map((e) => e.node);
    expect(res.data!.editTranscriptSegments).toMatchObject({ engine: 'edited', revision: 3 });
    expect(first).toMatchObject({ text: 'Welcome back, everyone', startSeconds: 1, endSeconds: 4.5 });
    expect(first.words.map((w) => w.text)).toEqual(['Welcome', 'back,', 'everyone']);
    expect(first.words[0].startSeconds).toBe(1);
    expect(first.words.at(-1)!.endSeconds).toBe(4.5);
    // times alone: the words move with the segment
    expect(second).toMatchObject({ text: 'Second line wraps here', startSeconds: 6, endSeconds: 9 });
    expect(second.words[0].startSeconds).toBe(6);
    expect(second.words.at(-1)!.endSeconds).toBe(9);
    expect((await events()).at(-1)).toMatchObject({ revision: 3, engine: 'edited', segments: [{ text: 'Welcome back, everyone' }, { startSeconds: 6, endSeconds: 9 }] });
    expect(parseTranscriptFile((await fetchText((await transcriptOf(null))!.srtUrl!)).body, 'SRT').map((s) => s.text)).toEqual(['Welcome back, everyone', 'Second line wraps here']);

    const refused = [
      [{ position: 1, startSeconds: 0.5 }, 'startSeconds'], // before the segment it follows
      [{ position: 1, endSeconds: 70 }, 'endSeconds'], // past the media's 61.5 s
      [{ position: 1, endSeconds: 5 }, 'startSeconds'], // ends before it starts
      [{ position: 7, text: 'nowhere' }, 'position'],
      [{ position: 0, text: '   ' }, 'text'],
    ] as const;
    for (const [edit, field] of refused) expect(errorOf(await h.call(EDIT, { e: episodeId, edits: [edit] }, owner))).toEqual({ code: 'BAD_USER_INPUT', field });
    expect((await transcriptOf(null))?.revision).toBe(3);
    expect(await events()).toHaveLength(3);
  });

  it('sets the language and transcribes the READY media again, which stays playable', async () => {
    expect(errorOf(await h.call(LANGUAGE, { e: episodeId, l: 'not a language!' }, owner))).toEqual({ code: 'BAD_USER_INPUT', field: 'language' });
    const res = await h.call<{ setTranscriptLanguage: { language: string; status: string } }>(LANGUAGE, { e: episodeId, l: 'fr-fr' }, owner);
    expect(res.errors).toBeUndefined();
    expect(res.data?.setTranscriptLanguage).toEqual({ language: 'fr-FR', status: 'PENDING', revision: 3 });
    expect(h.starter.transcribed).toEqual([assetId]);
    const [step] = await ds().query("SELECT status FROM media_steps WHERE asset_id = $1 AND step = 'transcribe'", [assetId]);
    expect(step.status).toBe('PENDING');
    const [asset] = await ds().query('SELECT status, outputs FROM media_assets WHERE id = $1', [assetId]);
    expect(asset.status).toBe('READY');
    expect(asset.outputs.transcript.status).toBe('PENDING');
    const [language] = await ds().query('SELECT language FROM media_episode_transcripts WHERE episode_id = $1', [episodeId]);
    expect(language.language).toBe('fr-FR');
    // editing waits for the new transcript
    expect(errorOf(await h.call(EDIT, { e: episodeId, edits: [{ position: 0, text: 'x' }] }, owner))).toEqual({ code: 'CONFLICT', field: 'episodeId' });
  });

  it('hides the transcript of an unpublished episode from everyone but its owner and staff', async () => {
    await h.catalog.emit(EpisodeUnpublished, episodeId, h.catalog.snapshot(episode, 'DRAFT'));
    for (const who of [null, viewer()]) {
      const res = await read(who);
      expect(res.data?._entities).toEqual([{ id: episodeId, transcript: null }]);
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    }
    for (const who of [owner, viewer('ADMIN')]) expect((await read(who)).data?._entities[0].transcript?.language).toBe('fr-FR');
  });

  it('on deletion of the media, tells readers the episode has no transcript any more', async () => {
    const before = (await events()).length;
    expect((await h.call('mutation($id: ID!) { deleteAsset(assetId: $id) }', { id: assetId }, owner)).errors).toBeUndefined();
    const published = await events();
    expect(published).toHaveLength(before + 1);
    expect(published.at(-1)).toMatchObject({ revision: 4, segments: [] });
    expect((await read(owner)).data?._entities[0].transcript).toBeNull();
  });

  it('resolves the transcripts and segment pages of 3 or 12 episodes with the same number of queries', async () => {
    const many: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      const other = await h.catalog.episodeOwnedBy(owner.id, 'PUBLISHED');
      const asset = await seedAsset(h, { episodeId: other.episodeId, ownerId: owner.id });
      const segments = segmentWords(WORDS.slice(0, 3 + (i % 3)));
      await ds().transaction((tx) => saveTranscript(tx, { assetId: asset, episodeId: other.episodeId, ownerId: owner.id, language: 'en-US', engine: 'pocketsphinx', status: 'READY', segments, files: null }));
      many.push(other.episodeId);
    }
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Episode { transcript { revision segments(first: 1) { edges { node { text } } } } } } }';
    const count = async (ids: string[]) => {
      h.running.db.queries.reset();
      const res = await h.call<{ _entities: { transcript: { segments: { edges: { node: { text: string } }[] } } }[] }>(query, { r: ids.map((id) => ({ __typename: 'Episode', id })) }, null);
      expect(res.errors).toBeUndefined();
      expect(res.data!._entities.map((e) => e.transcript.segments.edges[0].node.text)).toEqual(ids.map(() => 'welcome back'));
      return h.running.db.queries.count();
    };
    expect(await count(many)).toBe(await count(many.slice(0, 3)));
  });
});

import { randomUUID } from 'node:crypto';
import type { Viewer } from '@wavegraph/auth';
import { seedKnownEpisode } from '../testing/fixtures';
import { counts, errorOf, startMedia, viewer, type MediaHarness } from '../testing/harness';
import { MAX_SCRIPT_CHARS } from './tts.script';
import { STEPS } from '../processing/processing.port';

const VOICES = 'query { ttsVoices { id name language engine } }';
const CREATE = `mutation($episodeId: ID!, $script: String!, $voice: ID!) { createEpisodeAudioFromScript(episodeId: $episodeId, script: $script, voice: $voice) {
  id status mimeType steps { name status } episode { id }
} }`;
const MEDIA = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Episode { media { id status } } } }';
const TABLES = ['media_assets', 'media_steps', 'media_scripts', 'outbox'];

type Created = { createEpisodeAudioFromScript: { id: string; status: string; mimeType: string; steps: { name: string; status: string }[]; episode: { id: string } } };

describe('text-to-speech episodes (API)', () => {
  let h: MediaHarness;
  beforeAll(async () => {
    h = await startMedia();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const create = (episodeId: string, script: string, voice: string, as: Viewer | null) => h.call<Created>(CREATE, { episodeId, script, voice }, as);
  async function ownEpisode(owner: Viewer, status = 'PUBLISHED'): Promise<string> {
    const episodeId = randomUUID();
    await seedKnownEpisode(h, episodeId, owner.id, status);
    return episodeId;
  }

  it('lists the voices of flite and espeak-ng, to anyone', async () => {
    const res = await h.call<{ ttsVoices: { id: string; name: string; language: string; engine: string }[] }>(VOICES, {}, null);
    expect(res.errors).toBeUndefined();
    const voices = res.data?.ttsVoices ?? [];
    expect(voices.filter((v) => v.engine === 'flite').map((v) => v.id).sort()).toEqual(['flite:awb', 'flite:awb_time', 'flite:kal', 'flite:kal16', 'flite:rms', 'flite:slt']);
    expect(voices.find((v) => v.id === 'flite:slt')).toEqual({ id: 'flite:slt', name: 'SLT (US English, female)', language: 'en-US', engine: 'flite' });
    expect(voices.find((v) => v.id === 'espeak-ng:de')).toMatchObject({ language: 'de-DE', engine: 'espeak-ng' });
    expect(new Set(voices.map((v) => v.id)).size).toBe(voices.length);
  });

  it.each([
    ['an empty script', ' \n\n ', 'flite:slt', 'script', /empty/],
    ['a script too long', 'Words. '.repeat(MAX_SCRIPT_CHARS / 5), 'flite:slt', 'script', new RegExp(`at most ${MAX_SCRIPT_CHARS}`)],
    ['SSML', '<speak>Hello <break time="1s"/> there</speak>', 'flite:slt', 'script', /plain text/],
    ['nothing to say', '... !!! ---', 'flite:slt', 'script', /no words/],
    ['an unknown voice', 'Hello there.', 'flite:nobody', 'voice', /Unknown voice "flite:nobody"; ttsVoices lists/],
  ])('refuses %s with BAD_USER_INPUT and writes nothing', async (_what, script, voice, field, message) => {
    const owner = viewer();
    const episodeId = await ownEpisode(owner);
    const before = await counts(h, TABLES);
    const res = await create(episodeId, script, voice, owner);
    expect(errorOf(res)).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(res.errors?.[0].message).toMatch(message);
    expect(await counts(h, TABLES)).toEqual(before);
  });

  it("refuses an episode that is not the viewer's, unknown, or a signed-out caller", async () => {
    const owner = viewer();
    const episodeId = await ownEpisode(owner);
    const draft = await ownEpisode(owner, 'DRAFT');
    const before = await counts(h, TABLES);
    expect(errorOf(await create(episodeId, 'Hello.', 'flite:slt', viewer())).code).toBe('FORBIDDEN');
    expect(errorOf(await create(draft, 'Hello.', 'flite:slt', viewer()))).toEqual({ code: 'NOT_FOUND', field: 'episodeId' });
    expect(errorOf(await create(randomUUID(), 'Hello.', 'flite:slt', owner))).toEqual({ code: 'NOT_FOUND', field: 'episodeId' });
    expect(errorOf(await create(episodeId, 'Hello.', 'flite:slt', null)).code).toBe('UNAUTHENTICATED');
    expect(await counts(h, TABLES)).toEqual(before);
    expect(h.starter.started).toEqual([]);
  });

  it('creates the asset with synthesize first, keeps the script, starts processing, and makes it the episode media', async () => {
    const owner = viewer();
    const episodeId = await ownEpisode(owner, 'DRAFT');
    const script = 'Welcome to the show.\r\nToday we talk about rivers.\n\nThat is all for now.';
    const res = await create(episodeId, script, 'espeak-ng:en-gb', viewer('EDITOR'));
    expect(res.errors).toBeUndefined();
    const asset = res.data!.createEpisodeAudioFromScript;
    expect(asset).toMatchObject({ status: 'PROCESSING', mimeType: 'audio/flac', episode: { id: episodeId } });
    expect(asset.steps.map((s) => s.name)).toEqual([...STEPS]);
    expect(asset.steps.every((s) => s.status === 'PENDING')).toBe(true);
    expect(h.starter.started).toEqual([asset.id]);
    const [row] = await h.running.db.dataSource.query('SELECT voice, script, created_by FROM media_scripts WHERE asset_id = $1', [asset.id]);
    expect(row).toEqual({ voice: 'espeak-ng:en-gb', script: 'Welcome to the show.\nToday we talk about rivers.\n\nThat is all for now.', created_by: expect.any(String) });
    // the episode's owner sees it as the episode's media; a listener of the draft does not
    const mediaOf = (who: Viewer) => h.call<{ _entities: { media: { id: string } | null }[] }>(MEDIA, { r: [{ __typename: 'Episode', id: episodeId }] }, who);
    expect((await mediaOf(owner)).data?._entities[0].media?.id).toBe(asset.id);
    expect((await mediaOf(viewer())).data?._entities[0].media ?? null).toBeNull();
  });

  it('lets a script-made asset that failed at synthesize be retried, though it has no source yet', async () => {
    const owner = viewer();
    const episodeId = await ownEpisode(owner);
    const { id } = (await create(episodeId, 'Hello there.', 'flite:slt', owner)).data!.createEpisodeAudioFromScript;
    await h.running.db.dataSource.query("UPDATE media_assets SET status = 'FAILED', failed_step = 'synthesize', failure_reason = 'flite failed' WHERE id = $1", [id]);
    await h.running.db.dataSource.query("UPDATE media_steps SET status = 'FAILED' WHERE asset_id = $1 AND step = 'synthesize'", [id]);
    const res = await h.call<{ retryProcessing: { status: string; steps: { name: string; status: string }[] } }>(
      'mutation($id: ID!) { retryProcessing(assetId: $id) { status steps { name status } } }', { id }, owner,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.retryProcessing.status).toBe('PROCESSING');
    expect(res.data?.retryProcessing.steps[0]).toEqual({ name: 'synthesize', status: 'PENDING' });
    expect(h.starter.started.filter((started) => started === id)).toHaveLength(2);
  });
});

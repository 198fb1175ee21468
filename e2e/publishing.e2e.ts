import { grantRole } from '@wavegraph/identity';
import { errorCodes } from './support/graphql';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';

describe('publishing an episode through the gateway (typed client)', () => {
  let supergraph: TestSupergraph;
  beforeAll(async () => {
    supergraph = await startTestSupergraph();
  });
  afterAll(() => supergraph?.stop());

  it('register → login → create show → episode → publish → anonymous listeners see it with show title and owner handle', async () => {
    const anonymous = supergraph.client();
    await anonymous.Register({ input: { email: 'ada@example.com', handle: 'ada', displayName: 'Ada', password: 'correct horse battery' } });
    const { login } = await anonymous.Login({ input: { email: 'ada@example.com', password: 'correct horse battery' } });
    expect(login.user).toMatchObject({ handle: 'ada', email: 'ada@example.com', role: 'USER' });

    const ada = supergraph.client(login.accessToken);
    const { createShow } = await ada.CreateShow({ input: { slug: 'night-shift', title: 'Night Shift', category: 'TECHNOLOGY', language: 'en' } });
    expect(createShow.owner).toEqual({ id: login.user.id, handle: 'ada' });
    const { createEpisode } = await ada.CreateEpisode({ input: { showId: createShow.id, title: 'Pilot', seasonNumber: 1, episodeNumber: 1 } });
    expect(createEpisode.status).toBe('DRAFT');

    const before = await anonymous.LatestEpisodes({ first: 10 });
    expect(before.episodes.edges).toHaveLength(0);
    expect(await errorCodes(anonymous.Episode({ id: createEpisode.id }))).toEqual(['NOT_FOUND']);

    const { publishEpisode } = await ada.PublishEpisode({ id: createEpisode.id });
    expect(publishEpisode.status).toBe('PUBLISHED');
    expect(publishEpisode.publishedAt).not.toBeNull();

    const after = await anonymous.LatestEpisodes({ first: 10 });
    expect(after.episodes.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({
        id: createEpisode.id,
        title: 'Pilot',
        status: 'PUBLISHED',
        show: { id: createShow.id, title: 'Night Shift', slug: 'night-shift', owner: { id: login.user.id, handle: 'ada', displayName: 'Ada' } },
      }),
    ]);

    // and back the other way: identity's User gains catalog's shows
    const { userByHandle } = await anonymous.UserByHandle({ handle: 'ada' });
    expect(userByHandle?.email).toBeNull();
    expect(userByHandle?.shows?.edges.map((e) => e.node.slug)).toEqual(['night-shift']);
  });

  it('denies writes by other listeners and anonymous callers, allows editors', async () => {
    const anonymous = supergraph.client();
    const owner = await anonymous.Register({ input: { email: 'owner@example.com', handle: 'owner', displayName: 'Owner', password: 'owner password 1' } });
    const other = await anonymous.Register({ input: { email: 'other@example.com', handle: 'other', displayName: 'Other', password: 'other password 1' } });
    const ownerClient = supergraph.client(owner.register.accessToken);
    const { createShow } = await ownerClient.CreateShow({ input: { slug: 'owned-show', title: 'Owned', category: 'NEWS', language: 'en' } });
    const { createEpisode } = await ownerClient.CreateEpisode({ input: { showId: createShow.id, title: 'Draft' } });

    const otherClient = supergraph.client(other.register.accessToken);
    expect(await errorCodes(otherClient.PublishEpisode({ id: createEpisode.id }))).toEqual(['FORBIDDEN']);
    expect(await errorCodes(otherClient.UpdateShow({ id: createShow.id, input: { title: 'Mine now' } }))).toEqual(['FORBIDDEN']);
    expect(await errorCodes(anonymous.CreateShow({ input: { slug: 'anon-show', title: 'Anon', category: 'NEWS', language: 'en' } }))).toEqual(['UNAUTHENTICATED']);
    expect(await errorCodes(otherClient.SetUserRole({ userId: other.register.user.id, role: 'ADMIN' }))).toEqual(['FORBIDDEN']);

    // an admin promotes the other user to EDITOR; after refreshing, the new role is in the token
    await grantRole(supergraph.identity.services.users, 'owner@example.com', 'ADMIN');
    const adminLogin = await anonymous.Login({ input: { email: 'owner@example.com', password: 'owner password 1' } });
    await supergraph.client(adminLogin.login.accessToken).SetUserRole({ userId: other.register.user.id, role: 'EDITOR' });
    const refreshed = await anonymous.RefreshSession({ refreshToken: other.register.refreshToken });
    expect(refreshed.refreshSession.user.role).toBe('EDITOR');
    const editor = supergraph.client(refreshed.refreshSession.accessToken);
    expect((await editor.PublishEpisode({ id: createEpisode.id })).publishEpisode.status).toBe('PUBLISHED');
    const { show } = await anonymous.Show({ id: createShow.id });
    expect(show?.title).toBe('Owned');
  });

  it('rotates refresh tokens and revokes the family when a spent token is reused', async () => {
    const anonymous = supergraph.client();
    const { register } = await anonymous.Register({ input: { email: 'rot@example.com', handle: 'rot', displayName: 'Rot', password: 'rotation pass 1' } });
    const first = await anonymous.RefreshSession({ refreshToken: register.refreshToken });
    expect(first.refreshSession.refreshToken).not.toBe(register.refreshToken);
    expect(await errorCodes(anonymous.RefreshSession({ refreshToken: register.refreshToken }))).toEqual(['UNAUTHENTICATED']);
    // the reuse revoked the whole family, including the newest token
    expect(await errorCodes(anonymous.RefreshSession({ refreshToken: first.refreshSession.refreshToken }))).toEqual(['UNAUTHENTICATED']);
  });

  it('publishes a scheduled episode when its time comes', async () => {
    const anonymous = supergraph.client();
    const { register } = await anonymous.Register({ input: { email: 'sched@example.com', handle: 'sched', displayName: 'Sched', password: 'schedule pass 1' } });
    const owner = supergraph.client(register.accessToken);
    const { createShow } = await owner.CreateShow({ input: { slug: 'timed', title: 'Timed', category: 'NEWS', language: 'en' } });
    const { createEpisode } = await owner.CreateEpisode({ input: { showId: createShow.id, title: 'Later' } });
    const publishAt = new Date(Date.now() + 1_500).toISOString();
    const { scheduleEpisode } = await owner.ScheduleEpisode({ id: createEpisode.id, publishAt });
    expect(scheduleEpisode.status).toBe('SCHEDULED');
    expect(await errorCodes(anonymous.Episode({ id: createEpisode.id }))).toEqual(['NOT_FOUND']);

    const deadline = Date.now() + 15_000;
    let status = 'SCHEDULED';
    while (status !== 'PUBLISHED' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      status = await anonymous.Episode({ id: createEpisode.id }).then((r) => r.episode?.status ?? 'MISSING', () => 'SCHEDULED');
    }
    expect(status).toBe('PUBLISHED');
  });
});

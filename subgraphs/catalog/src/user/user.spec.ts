import { randomUUID } from 'node:crypto';
import { createShow, errorOf, startCatalog, viewer, type CatalogHarness } from '../testing/harness';

const USER_SHOWS = `query($r: [_Any!]!, $first: Int, $after: String) {
  _entities(representations: $r) { ... on User { id shows(first: $first, after: $after) { edges { node { id owner { id } } } pageInfo { hasNextPage endCursor } } } }
}`;
type UserShows = { id: string; shows: { edges: { node: { id: string; owner: { id: string } } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

describe('User.shows', () => {
  let h: CatalogHarness;
  const alice = viewer();
  const bob = viewer();
  const aliceShows: string[] = [];
  let bobShow: string;
  beforeAll(async () => {
    h = await startCatalog();
    for (let i = 0; i < 3; i += 1) aliceShows.push((await createShow(h, alice)).id);
    bobShow = (await createShow(h, bob)).id;
  });
  afterAll(async () => {
    await h?.stop();
  });

  const refs = (...ids: string[]) => ids.map((id) => ({ __typename: 'User', id }));

  it('resolves the shows of many users with one query', async () => {
    const nobody = randomUUID();
    h.running.db.queries.reset();
    const res = await h.call<{ _entities: UserShows[] }>(USER_SHOWS, { r: refs(alice.id, bob.id, nobody), first: 10 });
    expect(h.running.db.queries.count()).toBe(1);
    const [a, b, n] = res.data!._entities;
    expect(a.id).toBe(alice.id);
    expect(a.shows.edges.map((e) => e.node.id).sort()).toEqual([...aliceShows].sort());
    expect(a.shows.edges.every((e) => e.node.owner.id === alice.id)).toBe(true);
    expect(b.shows.edges.map((e) => e.node.id)).toEqual([bobShow]);
    expect(n).toEqual({ id: nobody, shows: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } } });
  });

  it('pages a user\'s shows newest first without overlap', async () => {
    const all = (await h.call<{ _entities: UserShows[] }>(USER_SHOWS, { r: refs(alice.id), first: 10 })).data!._entities[0];
    const order = all.shows.edges.map((e) => e.node.id);
    const page1 = (await h.call<{ _entities: UserShows[] }>(USER_SHOWS, { r: refs(alice.id), first: 2 })).data!._entities[0];
    expect(page1.shows.pageInfo.hasNextPage).toBe(true);
    const page2 = (await h.call<{ _entities: UserShows[] }>(USER_SHOWS, { r: refs(alice.id), first: 2, after: page1.shows.pageInfo.endCursor })).data!._entities[0];
    expect(page2.shows.pageInfo.hasNextPage).toBe(false);
    expect([...page1.shows.edges, ...page2.shows.edges].map((e) => e.node.id)).toEqual(order);
  });

  it('rejects a bad page size', async () => {
    expect(errorOf(await h.call(USER_SHOWS, { r: refs(alice.id), first: 101 }))).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});

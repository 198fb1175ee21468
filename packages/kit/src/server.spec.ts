import 'reflect-metadata';
import { signEnvelope } from '@wavegraph/auth';
import { callSubgraph, freshDatabase, freshRedisPrefix, TEST_GATEWAY_SECRET, type TestDatabase } from '@wavegraph/testkit';
import { Arg, Ctx, Directive, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { Column, Entity, In, PrimaryColumn, type DataSource, type MigrationInterface, type QueryRunner, type Repository } from 'typeorm';
import type { Context } from './context';
import { notFound } from './errors';
import { byKeys } from './loaders';
import { startSubgraph, type RunningSubgraph, type SubgraphModule } from './server';

@Entity('gadget')
@ObjectType('Gadget')
@Directive('@key(fields: "id")')
class Gadget {
  @PrimaryColumn('text')
  @Field(() => ID)
  id: string;

  @Column('text')
  @Field()
  name: string;
}

class CreateGadget1700000000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE gadget (id text PRIMARY KEY, name text NOT NULL)`);
    await runner.query(`INSERT INTO gadget VALUES ('g1', 'one'), ('g2', 'two'), ('g3', 'three')`);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE gadget');
  }
}

type Services = { gadgets: Repository<Gadget>; dataSource: DataSource };

@Resolver(() => Gadget)
class GadgetResolver {
  @Query(() => Gadget)
  async gadget(@Arg('id', () => ID) id: string, @Ctx() ctx: Context<Services>): Promise<Gadget> {
    const found = await ctx.services.gadgets.findOneBy({ id });
    if (!found) throw notFound('Gadget');
    return found;
  }

  @Query(() => String, { nullable: true })
  whoami(@Ctx() ctx: Context<Services>): string | null {
    return ctx.viewer?.id ?? null;
  }

  /** Renames a gadget in a transaction that takes `ms` before it commits (a slow lock, a stall). */
  @Mutation(() => Gadget)
  async renameSlowly(@Arg('id', () => ID) id: string, @Arg('name') name: string, @Arg('ms', () => Int) ms: number, @Ctx() ctx: Context<Services>): Promise<Gadget> {
    return ctx.services.dataSource.transaction(async (tx) => {
      await tx.update(Gadget, { id }, { name });
      await new Promise((resolve) => setTimeout(resolve, ms));
      return tx.findOneByOrFail(Gadget, { id });
    });
  }

  @Query(() => String)
  explode(): string {
    throw new Error('database password is hunter2');
  }
}

const gadgets: SubgraphModule<Services> = {
  name: 'gadgets',
  resolvers: [GadgetResolver],
  entities: [Gadget],
  migrations: [CreateGadget1700000000000],
  createServices: ({ db }) => ({ gadgets: db.dataSource.getRepository(Gadget), dataSource: db.dataSource }),
  references: {
    Gadget: async (ids, ctx) => byKeys(ids, await ctx.services.gadgets.findBy({ id: In([...ids]) }), (g) => g.id),
  },
};

describe('subgraph kit', () => {
  let database: TestDatabase;
  let running: RunningSubgraph<Services>;

  beforeAll(async () => {
    database = await freshDatabase('kit');
    running = await startSubgraph(gadgets, {
      port: 0,
      databaseUrl: database.url,
      redisUrl: 'redis://127.0.0.1:6379',
      redisPrefix: freshRedisPrefix(),
      gatewaySecret: TEST_GATEWAY_SECRET,
    });
  });
  afterAll(async () => {
    await running?.stop();
    await database?.drop();
  });

  it('runs committed migrations and serves queries signed by the gateway', async () => {
    const res = await callSubgraph(running.url, '{ gadget(id: "g2") { id name } }');
    expect(res.data).toEqual({ gadget: { id: 'g2', name: 'two' } });
  });

  it('passes the signed viewer to resolvers', async () => {
    const res = await callSubgraph(running.url, '{ whoami }', {}, { id: 'u-7', role: 'USER', plan: 'FREE' });
    expect(res.data).toEqual({ whoami: 'u-7' });
  });

  it.each([
    ['a query', '{ gadget(id: "g1") { name } }'],
    ['_service', '{ _service { sdl } }'],
    ['_entities', '{ _entities(representations: [{ __typename: "Gadget", id: "g1" }]) { ... on Gadget { name } } }'],
  ])('refuses %s sent without the gateway signature', async (_label, query) => {
    const res = await fetch(running.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { data?: unknown; errors: { extensions: { code: string } }[] };
    expect(body.data).toBeUndefined();
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(body)).not.toContain('one');
  });

  it('refuses a request signed with another secret', async () => {
    const res = await callSubgraph(running.url, '{ gadget(id: "g1") { name } }', {}, null, 'not-the-secret');
    expect(res.status).toBe(401);
  });

  it('refuses a captured signed request sent a second time (replay), before it runs', async () => {
    const body = JSON.stringify({ query: '{ whoami }' });
    const signed = signEnvelope(TEST_GATEWAY_SECRET, { viewer: { id: 'u-8', role: 'ADMIN', plan: 'FREE' }, requestId: 'r-replay', timestamp: Date.now(), body, deadline: Date.now() + 10_000 });
    const send = () => fetch(running.url, { method: 'POST', headers: { 'content-type': 'application/json', ...signed }, body });
    const first = await send();
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ data: { whoami: 'u-8' } });
    running.db.queries.reset();
    const replay = await send();
    expect(replay.status).toBe(401);
    const answer = (await replay.json()) as { data?: unknown; errors: { message: string; extensions: { code: string } }[] };
    expect(answer.data).toBeUndefined();
    expect(answer.errors[0]).toEqual({ message: 'Requests must come through the gateway (replayed gateway signature)', extensions: { code: 'UNAUTHENTICATED' } });
    expect(running.db.queries.count()).toBe(0);
  });

  it('resolves many entity references with one SQL query', async () => {
    running.db.queries.reset();
    const res = await callSubgraph(
      running.url,
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Gadget { id name } } }',
      { r: ['g1', 'g2', 'g3', 'missing'].map((id) => ({ __typename: 'Gadget', id })) },
    );
    expect(res.data).toEqual({ _entities: [{ id: 'g1', name: 'one' }, { id: 'g2', name: 'two' }, { id: 'g3', name: 'three' }, null] });
    expect(running.db.queries.count()).toBe(1);
  });

  it('prints a Federation 2 SDL with the entity key', async () => {
    const res = await callSubgraph<{ _service: { sdl: string } }>(running.url, '{ _service { sdl } }');
    expect(res.data?._service.sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.9"');
    expect(res.data?._service.sdl).toMatch(/type Gadget\s+@key\(fields: "id"\)/);
  });

  it('gives NOT_FOUND with a path, and hides unexpected errors behind a bare code', async () => {
    const missing = await callSubgraph(running.url, '{ gadget(id: "nope") { id } }');
    expect(missing.errors?.[0]).toMatchObject({ path: ['gadget'], extensions: { code: 'NOT_FOUND' } });
    const boom = await callSubgraph(running.url, '{ explode }');
    expect(boom.errors?.[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.stringify(boom)).not.toContain('hunter2');
  });

  it('answers /health and /ready', async () => {
    const base = running.url.replace('/graphql', '');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect(await (await fetch(`${base}/ready`)).json()).toMatchObject({ status: 'ready' });
  });

  it('counts accepted envelopes, refused replays and Redis fallbacks on /ready', async () => {
    const base = running.url.replace('/graphql', '');
    const before = ((await (await fetch(`${base}/ready`)).json()) as { nonces: { accepted: number; replaysRefused: number; fallbacks: number } }).nonces;
    const body = JSON.stringify({ query: '{ whoami }' });
    const signed = signEnvelope(TEST_GATEWAY_SECRET, { viewer: null, requestId: 'r-count', timestamp: Date.now(), body, deadline: Date.now() + 10_000 });
    for (let i = 0; i < 2; i += 1) await fetch(running.url, { method: 'POST', headers: { 'content-type': 'application/json', ...signed }, body });
    const after = ((await (await fetch(`${base}/ready`)).json()) as { nonces: typeof before }).nonces;
    expect(after).toEqual({ accepted: before.accepted + 1, replaysRefused: before.replaysRefused + 1, fallbacks: before.fallbacks });
  });

  describe('the gateway deadline', () => {
    const post = (query: string, deadline: number | undefined) => {
      const body = JSON.stringify({ query });
      const signed = signEnvelope(TEST_GATEWAY_SECRET, { viewer: null, requestId: 'r-deadline', timestamp: Date.now(), body, deadline });
      return fetch(running.url, { method: 'POST', headers: { 'content-type': 'application/json', ...signed }, body });
    };
    const nameOf = async (id: string) => (await running.services.gadgets.findOneByOrFail({ id })).name;

    it('refuses, unrun, a request read after the deadline it was signed with', async () => {
      running.db.queries.reset();
      const res = await post('mutation { renameSlowly(id: "g3", name: "late", ms: 0) { name } }', Date.now() - 1);
      expect(res.status).toBe(504);
      expect(await res.json()).toEqual({
        errors: [{ message: 'The gateway stopped waiting for this request before it could run', extensions: { code: 'DEADLINE_EXCEEDED' } }],
      });
      expect(running.db.queries.count()).toBe(0);
      expect(await nameOf('g3')).toBe('three');
    });

    it('refuses an HTTP request signed without a deadline', async () => {
      const res = await post('{ whoami }', undefined);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { errors: { message: string }[] }).errors[0].message).toBe('Requests must come through the gateway (missing gateway deadline)');
    });

    it('rolls back a transaction still running when the deadline passes, and commits one that ends in time', async () => {
      const late = await post('mutation { renameSlowly(id: "g2", name: "renamed late", ms: 800) { name } }', Date.now() + 300);
      expect(late.status).toBe(200);
      const answer = (await late.json()) as { data: unknown; errors: { path: string[]; extensions: { code: string } }[] };
      expect(answer.data).toBeNull();
      expect(answer.errors).toEqual([expect.objectContaining({ path: ['renameSlowly'], extensions: { code: 'DEADLINE_EXCEEDED' } })]);
      expect(await nameOf('g2')).toBe('two');

      const timely = await post('mutation { renameSlowly(id: "g2", name: "renamed", ms: 10) { name } }', Date.now() + 5_000);
      expect(await timely.json()).toEqual({ data: { renameSlowly: { name: 'renamed' } } });
      expect(await nameOf('g2')).toBe('renamed');
    });
  });
});

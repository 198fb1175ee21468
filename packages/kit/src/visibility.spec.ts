import 'reflect-metadata';
import { graphql, type GraphQLSchema } from 'graphql';
import { Directive, Field, FieldResolver, ID, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { Viewer } from '@wavegraph/auth';
import type { Context } from './context';
import { Loaders } from './loaders';
import { createLogger } from './logger';
import type { SubgraphPubSub } from './pubsub';
import { buildFederatedSchema } from './schema';
import type { VisibilityRule } from './visibility';

@ObjectType('Gadget')
@Directive('@key(fields: "id")')
class Gadget {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;
}

@ObjectType('Part')
@Directive('@key(fields: "id")')
class Part {
  @Field(() => ID)
  id: string;

  gadgetId: string;

  @Field()
  label: string;
}

const gadget = (id: string): Gadget => Object.assign(new Gadget(), { id, name: `gadget ${id}` });

type Services = { ruleCalls: string[][] };
type TestContext = Context<Services>;

// g1 is public; g2 only for its owner "owner"
const ownerOnly: VisibilityRule<Services> = {
  name: 'gadget',
  async visible(ids, ctx) {
    ctx.services.ruleCalls.push([...ids]);
    return ids.map((id) => id !== 'g2' || ctx.viewer?.id === 'owner');
  },
};

@Resolver(() => Gadget)
class GadgetResolver {
  @Query(() => [Gadget])
  gadgets(): Gadget[] {
    return [gadget('g1'), gadget('g2')];
  }

  @Query(() => [Part])
  parts(): Part[] {
    return [Object.assign(new Part(), { id: 'p1', gadgetId: 'g1', label: 'one' }), Object.assign(new Part(), { id: 'p2', gadgetId: 'g2', label: 'two' })];
  }

  @FieldResolver(() => String, { nullable: true })
  secret(@Root() root: Gadget): string {
    return `secret of ${root.id}`;
  }
}

// another aggregate's resolver adding a field to Gadget, as a later change would
@Resolver(() => Gadget)
class GadgetLaterResolver {
  @FieldResolver(() => Int, { nullable: true })
  addedLater(@Root() root: Gadget): number {
    return root.id.length;
  }
}

function contextFor(viewer: Viewer | null, services: Services): TestContext {
  return { viewer, requestId: 'r', loaders: new Loaders(), services, pubSub: {} as SubgraphPubSub, log: createLogger('test') };
}

describe('visibility guards in buildFederatedSchema', () => {
  let schema: GraphQLSchema;

  beforeAll(async () => {
    schema = await buildFederatedSchema<Services>({
      name: 'gadgets',
      resolvers: [GadgetResolver, GadgetLaterResolver],
      references: { Gadget: async (ids) => ids.map(gadget) },
      guards: { Gadget: { rule: ownerOnly }, Part: { rule: ownerOnly, subjectOf: (part) => part.gadgetId as string } },
    });
  });

  async function run(query: string, viewer: Viewer | null) {
    const services: Services = { ruleCalls: [] };
    const result = await graphql({ schema, source: query, contextValue: contextFor(viewer, services) });
    return { result, ruleCalls: services.ruleCalls };
  }

  const listener: Viewer = { id: 'listener', role: 'USER', plan: 'FREE' };
  const owner: Viewer = { id: 'owner', role: 'USER', plan: 'FREE' };

  it('hides every non-key field of a hidden object, with NOT_FOUND, in one rule call per request', async () => {
    const { result, ruleCalls } = await run('{ gadgets { id secret addedLater } }', listener);
    expect(result.data).toEqual({ gadgets: [{ id: 'g1', secret: 'secret of g1', addedLater: 2 }, { id: 'g2', secret: null, addedLater: null }] });
    expect(result.errors?.map((e) => [e.extensions.code, e.path?.join('.')])).toEqual([
      ['NOT_FOUND', 'gadgets.1.secret'],
      ['NOT_FOUND', 'gadgets.1.addedLater'],
    ]);
    expect(ruleCalls).toEqual([['g1', 'g2']]);
  });

  it('guards fields that only read a property, and a non-null one nulls its parent', async () => {
    const { result } = await run('{ gadgets { id name } }', null);
    // name is String!: the hidden gadget cannot be half shown, so the non-null list collapses
    expect(result.data).toBeNull();
    expect(result.errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect(result.errors?.[0].path).toEqual(['gadgets', 1, 'name']);
  });

  it('shows everything to whom the rule allows', async () => {
    const { result, ruleCalls } = await run('{ gadgets { id name secret addedLater } }', owner);
    expect(result.errors).toBeUndefined();
    expect(result.data?.gadgets).toEqual([
      { id: 'g1', name: 'gadget g1', secret: 'secret of g1', addedLater: 2 },
      { id: 'g2', name: 'gadget g2', secret: 'secret of g2', addedLater: 2 },
    ]);
    expect(ruleCalls).toHaveLength(1);
  });

  it('guards entity references (_entities) the same way', async () => {
    const query = `{ _entities(representations: [{ __typename: "Gadget", id: "g1" }, { __typename: "Gadget", id: "g2" }]) { ... on Gadget { id secret } } }`;
    const { result } = await run(query, listener);
    expect(result.data).toEqual({ _entities: [{ id: 'g1', secret: 'secret of g1' }, { id: 'g2', secret: null }] });
    expect(result.errors?.map((e) => e.extensions.code)).toEqual(['NOT_FOUND']);
  });

  it('follows another subject when told to, sharing the same batched rule call', async () => {
    const { result, ruleCalls } = await run('{ parts { id label } gadgets { id secret } }', listener);
    expect(result.data).toBeNull();
    expect(result.errors?.map((e) => e.path?.join('.')).sort()).toEqual(['gadgets.1.secret', 'parts.1.label']);
    expect(ruleCalls).toEqual([['g1', 'g2']]);
  });

  it('keeps key fields readable so the gateway can still join the entity', async () => {
    const { result } = await run('{ gadgets { id } parts { id } }', null);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ gadgets: [{ id: 'g1' }, { id: 'g2' }], parts: [{ id: 'p1' }, { id: 'p2' }] });
  });

  it('refuses a guard for a type the schema does not have', async () => {
    await expect(
      buildFederatedSchema<Services>({ name: 'x', resolvers: [GadgetResolver], guards: { Nope: { rule: ownerOnly } } }),
    ).rejects.toThrow(/Nope/);
  });
});

import 'reflect-metadata';
import { ApolloServer } from '@apollo/server';
import { Directive, Field, FieldResolver, ID, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { publicFor, VIEWER_DEPENDENT, INHERIT_CACHE } from './cache-hints';
import type { Context } from './context';
import { Loaders } from './loaders';
import { createLogger } from './logger';
import type { SubgraphPubSub } from './pubsub';
import { buildFederatedSchema } from './schema';
import type { Visibility, VisibilityRule } from './visibility';

// what the gateway's entity cache relies on: the `Cache-Control` Apollo Server's cache-control
// plugin writes for `_entities` answers of a subgraph built by the kit, from the hints

@ObjectType('Owner')
@Directive('@key(fields: "id")')
class Owner {
  @Field(() => ID)
  id: string;
}

@ObjectType('Story')
@Directive('@key(fields: "id")')
@Directive(publicFor(60))
class Story {
  @Field(() => ID)
  id: string;

  @Field()
  title: string;

  published: boolean;
}

@ObjectType('Note')
@Directive('@key(fields: "id")')
class Note {
  @Field(() => ID)
  id: string;

  @Field()
  text: string;
}

@ObjectType('Count')
@Directive('@key(fields: "id")')
@Directive(publicFor(30))
class Count {
  @Field(() => ID)
  id: string;

  @Field()
  total: number;
}

@Resolver(() => Story)
class StoryResolver {
  @Query(() => String)
  ping(): string {
    return 'pong';
  }

  @Directive(VIEWER_DEPENDENT)
  @FieldResolver(() => Boolean)
  viewerStarred(): boolean {
    return true;
  }

  @FieldResolver(() => Owner)
  owner(@Root() story: Story): Owner {
    return Object.assign(new Owner(), { id: `owner-of-${story.id}` });
  }

  @Directive(INHERIT_CACHE)
  @FieldResolver(() => Owner)
  author(@Root() story: Story): Owner {
    return Object.assign(new Owner(), { id: `author-of-${story.id}` });
  }
}

type Services = Record<string, never>;
// c-public is published (everyone sees it); c-owner only its owner does
const counted: VisibilityRule<Services> = {
  name: 'counted',
  visible: async (ids) => ids.map((id): Visibility => (id === 'c-public' ? 'everyone' : id === 'c-owner')),
};

const story = (id: string) => Object.assign(new Story(), { id, title: `story ${id}`, published: id !== 'draft' });

async function server() {
  const schema = await buildFederatedSchema<Services>({
    name: 'hints',
    resolvers: [StoryResolver],
    orphanedTypes: [Story, Note, Count, Owner],
    references: {
      Story: async (ids) => ids.map((id) => (id === 'missing' ? null : story(id))),
      Note: async (ids) => ids.map((id) => Object.assign(new Note(), { id, text: 'n' })),
      Count: async (ids) => ids.map((id) => Object.assign(new Count(), { id, total: 1 })),
    },
    viewerDependent: { Story: (entity) => !(entity as Story).published },
    guards: { Count: { rule: counted } },
  });
  const apollo = new ApolloServer<Context<Services>>({ schema });
  await apollo.start();
  return apollo;
}

describe('cache hints in a kit subgraph', () => {
  let apollo: ApolloServer<Context<Services>>;
  beforeAll(async () => {
    apollo = await server();
  });
  afterAll(() => apollo.stop());

  async function cacheControlOf(typename: string, ids: string[], selection: string): Promise<string | undefined> {
    const response = await apollo.executeOperation(
      {
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { ${selection} } } }`,
        variables: { r: ids.map((id) => ({ __typename: typename, id })) },
      },
      { contextValue: { viewer: null, requestId: 't', loaders: new Loaders(), services: {}, pubSub: {} as SubgraphPubSub, log: createLogger('test') } },
    );
    return response.http.headers.get('cache-control');
  }

  it('makes an _entities answer public for the entity type hint', async () => {
    expect(await cacheControlOf('Story', ['a', 'b'], 'title')).toBe('max-age=60, public');
    expect(await cacheControlOf('Count', ['c-public'], 'total')).toBe('max-age=30, public');
  });

  it('never makes public what depends on the viewer, an unhinted type, or an unhinted object field', async () => {
    expect(await cacheControlOf('Story', ['a'], 'title viewerStarred')).toBe('no-store');
    expect(await cacheControlOf('Note', ['a'], 'text')).toBe('no-store');
    expect(await cacheControlOf('Story', ['a'], 'owner { id }')).toBe('no-store');
    // an object field that inherits lives as long as its parent
    expect(await cacheControlOf('Story', ['a'], 'author { id }')).toBe('max-age=60, public');
  });

  it('marks references seen only by some viewers, or resolved to null, as not shareable', async () => {
    expect(await cacheControlOf('Story', ['a', 'draft'], 'title')).toBe('no-store');
    expect(await cacheControlOf('Story', ['missing'], 'title')).toBe('no-store');
  });

  it('marks guarded fields the viewer sees for who they are as not shareable, hidden ones failing', async () => {
    expect(await cacheControlOf('Count', ['c-owner'], 'total')).toBe('no-store');
    expect(await cacheControlOf('Count', ['c-hidden'], 'total')).toBe('no-store');
  });
});

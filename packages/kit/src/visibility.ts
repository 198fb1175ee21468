import { defaultFieldResolver, Kind, type DocumentNode, type GraphQLFieldResolver, type GraphQLResolveInfo, type GraphQLSchema, isObjectType } from 'graphql';
import { markViewerDependent } from './cache-hints';
import type { Context } from './context';
import { notFound } from './errors';

/**
 * Whether a viewer may see a subject: `'everyone'` when anyone would (a published episode: its
 * fields may be cached for every viewer), `true` when this viewer may because of who they are
 * (its owner, staff: never shared), `false` when not.
 */
export type Visibility = boolean | 'everyone';

/**
 * Decides, for many subjects at once, whether the request's viewer may see them. Every guard
 * naming the same rule shares one DataLoader, so a request pays one query for the rule however
 * many objects and fields it touches.
 */
export interface VisibilityRule<S> {
  /** Names the rule's DataLoader; two rules must not share a name. */
  name: string;
  visible(subjects: readonly string[], ctx: Context<S>): Promise<readonly Visibility[]>;
}

/** Hides every non-key field of one GraphQL type behind a rule. */
export interface VisibilityGuard<S> {
  rule: VisibilityRule<S>;
  /** The subject whose visibility the object follows (a comment follows its episode); its `id` by default. Null: always visible. */
  subjectOf?: (source: Record<string, unknown>) => string | null | undefined;
}

/** Whether the viewer may see `subject` under `rule`, batched with every other ask in the request. */
export async function isVisible<S>(ctx: Context<S>, rule: VisibilityRule<S>, subject: string): Promise<boolean> {
  return (await visibilityOf(ctx, rule, subject)) !== false;
}

/** The viewer's visibility of `subject` under `rule` (batched like isVisible), saying whether every viewer would see it too. */
export function visibilityOf<S>(ctx: Context<S>, rule: VisibilityRule<S>, subject: string): Promise<Visibility> {
  return ctx.loaders
    .get<string, Visibility>(`visibility:${rule.name}`, (subjects) => rule.visible(subjects, ctx))
    .load(subject.toLowerCase());
}

/** Keeps only the items the viewer may see (one batched check for the whole list); an item without a subject stays. */
export async function filterVisible<S, T>(ctx: Context<S>, rule: VisibilityRule<S>, items: readonly T[], subjectOf: (item: T) => string | null | undefined): Promise<T[]> {
  const visible = await Promise.all(
    items.map((item) => {
      const subject = subjectOf(item);
      return subject ? isVisible(ctx, rule, subject) : true;
    }),
  );
  return items.filter((_, index) => visible[index]);
}

/** The names of the fields in a type's `@key(fields: "...")` directives (top-level selections only). */
export function keyFieldsOf(typeDefs: DocumentNode, typename: string): Set<string> {
  const keys = new Set<string>();
  for (const definition of typeDefs.definitions) {
    if ((definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) || definition.name.value !== typename) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'key') continue;
      const fields = directive.arguments?.find((argument) => argument.name.value === 'fields')?.value;
      if (fields?.kind !== Kind.STRING) continue;
      // nested selections (`owner { id }`) belong to another type; only their top-level name is a key here
      let depth = 0;
      for (const token of fields.value.match(/[{}]|[_A-Za-z][_0-9A-Za-z]*/g) ?? []) {
        if (token === '{') depth += 1;
        else if (token === '}') depth -= 1;
        else if (depth === 0) keys.add(token);
      }
    }
  }
  return keys;
}

type ResolverMap = Record<string, Record<string, unknown>>;

/**
 * Wraps every non-key field of each guarded type, whether it has its own resolver or reads a
 * property, so a field added later is guarded without anyone remembering to: the check runs
 * before the field's own resolver and answers NOT_FOUND for what the viewer may not see. Key
 * fields stay readable because the gateway needs them to join the entity across subgraphs.
 * What this viewer sees but not everyone would (an owner's draft) is marked viewer-dependent,
 * so the gateway's entity cache never shares it.
 */
export function applyVisibilityGuards<S>(
  schema: GraphQLSchema,
  typeDefs: DocumentNode,
  resolvers: ResolverMap,
  guards: Record<string, VisibilityGuard<S>>,
): void {
  for (const [typename, guard] of Object.entries(guards)) {
    const type = schema.getType(typename);
    if (!isObjectType(type)) throw new Error(`Visibility guard for ${typename}: no such object type in the schema`);
    const keys = keyFieldsOf(typeDefs, typename);
    const subjectOf = guard.subjectOf ?? ((source: Record<string, unknown>) => source.id as string | undefined);
    const typeResolvers = (resolvers[typename] ??= {});
    for (const fieldName of Object.keys(type.getFields())) {
      if (keys.has(fieldName)) continue;
      const own = typeResolvers[fieldName];
      if (own !== undefined && typeof own !== 'function') throw new Error(`Visibility guard for ${typename}.${fieldName}: unsupported resolver shape`);
      const resolve = (own as GraphQLFieldResolver<unknown, Context<S>> | undefined) ?? defaultFieldResolver;
      typeResolvers[fieldName] = async (source: Record<string, unknown>, args: unknown, ctx: Context<S>, info: GraphQLResolveInfo) => {
        const subject = subjectOf(source);
        const visibility = subject ? await visibilityOf(ctx, guard.rule, subject) : 'everyone';
        if (visibility === false) throw notFound(typename);
        if (visibility !== 'everyone') markViewerDependent(info);
        return resolve(source, args as never, ctx, info);
      };
    }
  }
}

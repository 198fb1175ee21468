import { ERRORS } from '@apollo/federation-internals';
import {
  GraphQLEnumType, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLScalarType, Kind, isAbstractType, isCompositeType, isInterfaceType, isObjectType, specifiedScalarTypes,
  type DirectiveNode, type FragmentDefinitionNode, type GraphQLCompositeType, type GraphQLError, type GraphQLNamedType, type GraphQLOutputType, type GraphQLSchema,
  type OperationDefinitionNode, type SelectionSetNode, type ValueNode,
} from 'graphql';
import { hasOwn, type Data } from './merge';

// The client's response from the data the plan fetched, with @apollo/gateway's rules (its
// resultShaping.ts): only what the operation selected, under its aliases; __typename from the
// data or the type; type conditions against the object's __typename; @skip/@include; null for
// what is missing; a null for a non-null field nulls its parent, with one error; leaves checked
// against their type. Unlike Apollo's, it is compiled once per operation into plain closures
// over the API schema, instead of walking the operation's selection objects on every request.

type Path = (string | number)[];
type Variables = Record<string, unknown>;

interface Shaping {
  variables: Variables;
  errors: GraphQLError[];
  path: Path;
}

/** A selection's @skip/@include: false when it is not to be shaped for these variables. */
type Included = (variables: Variables) => boolean;

/** Shapes one selection of an object into `output`; false means the object must become null. */
type Apply = (input: Data, output: Data, parent: string, shaping: Shaping) => boolean;

interface Outcome {
  value: unknown;
  invalid?: boolean;
  errors?: boolean;
}

/** Completes one value of a type into its output (the one shaped so far, if any). */
type Complete = (output: unknown, input: unknown, parent: string, shaping: Shaping) => Outcome;

const BUILT_IN = new Set(specifiedScalarTypes.map((t) => t.name));
const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

function leafCheck(type: GraphQLNamedType): (value: unknown) => boolean {
  if (type instanceof GraphQLScalarType && !BUILT_IN.has(type.name)) return () => true;
  const enumType = type instanceof GraphQLEnumType ? type : undefined;
  const name = type.name;
  return (value) => {
    if (typeof value === 'boolean') return name === 'Boolean';
    if (typeof value === 'number' && Number.isFinite(value)) return name === 'Int' || name === 'ID' ? INTEGER.test(String(value)) : name === 'Float';
    if (typeof value === 'string') return enumType ? enumType.getValue(value) !== undefined : name !== 'Boolean' && name !== 'Int' && name !== 'Float';
    return false;
  };
}

function describe(path: Path, current: string, parent: string): string {
  const last = path[path.length - 1];
  return typeof last === 'string' ? `field ${parent}.${last}` : `array element of type ${current} at index ${String(last)}`;
}

/**
 * Reads and writes one response key of an output object. Output objects are plain ones (V8 keeps
 * them in fast mode, unlike null-prototype objects, and serializes them faster), so a key that
 * Object.prototype also has (an alias `constructor`, `__proto__`) is read as an own property only
 * and written as data, never through the prototype.
 */
function accessors(key: string): { get(output: Data): unknown; set(output: Data, value: unknown): void } {
  if (!(key in Object.prototype)) {
    return {
      get: (output) => output[key],
      set: (output, value) => {
        output[key] = value;
      },
    };
  }
  return {
    get: (output) => (hasOwn(output, key) ? output[key] : undefined),
    set: (output, value) => Object.defineProperty(output, key, { value, enumerable: true, writable: true, configurable: true }),
  };
}

const invalid = (shaping: Shaping, message: string) => shaping.errors.push(ERRORS.INVALID_GRAPHQL.err(message, { path: Array.from(shaping.path) }));

function literal(value: ValueNode, variables: Variables): unknown {
  return value.kind === Kind.VARIABLE ? variables[value.name.value] : value.kind === Kind.BOOLEAN ? value.value : undefined;
}

function included(directives: readonly DirectiveNode[] | undefined): Included | undefined {
  const checks = (directives ?? []).flatMap((directive) => {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') return [];
    const argument = directive.arguments?.find((a) => a.name.value === 'if');
    if (!argument) return [];
    return [(variables: Variables) => (literal(argument.value, variables) === true) === (name === 'include')];
  });
  return checks.length === 0 ? undefined : (variables) => checks.every((check) => check(variables));
}

/** Whether `typeCondition` holds for an object typed `typename` (itself, an interface it implements, a union it belongs to). */
function subtypeTest(schema: GraphQLSchema, condition: GraphQLCompositeType): (typename: string) => boolean {
  const memo = new Map<string, boolean>();
  return (typename) => {
    let result = memo.get(typename);
    if (result === undefined) {
      const type = schema.getType(typename);
      result = !!type && (type === condition || (isAbstractType(condition) && (isObjectType(type) || isInterfaceType(type)) && schema.isSubType(condition, type as GraphQLObjectType)));
      memo.set(typename, result);
    }
    return result;
  };
}

export class ShapeCompiler {
  private readonly fragments: Map<string, FragmentDefinitionNode>;

  constructor(
    private readonly schema: GraphQLSchema,
    fragments: readonly FragmentDefinitionNode[],
  ) {
    this.fragments = new Map(fragments.map((f) => [f.name.value, f]));
  }

  selectionSet(set: SelectionSetNode, parent: GraphQLCompositeType): Apply[] {
    return set.selections.map((selection): Apply => {
      const when = included(selection.directives);
      let apply: Apply;
      if (selection.kind === Kind.FIELD) {
        apply = selection.name.value === '__typename' ? this.typename(selection.alias?.value ?? '__typename') : this.field(selection.alias?.value ?? selection.name.value, selection.name.value, selection.selectionSet, parent);
      } else {
        const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : this.fragments.get(selection.name.value);
        if (!fragment) throw new Error(`Unknown fragment "${selection.kind === Kind.FRAGMENT_SPREAD ? selection.name.value : ''}"`);
        apply = this.fragment(fragment.typeCondition?.name.value, fragment.selectionSet, parent);
      }
      return when ? (input, output, runtimeParent, shaping) => !when(shaping.variables) || apply(input, output, runtimeParent, shaping) : apply;
    });
  }

  private typename(key: string): Apply {
    const { get, set } = accessors(key);
    return (input, output, parent) => {
      if (get(output) !== undefined) return true;
      let value = hasOwn(input, key) ? (input[key] ?? null) : null;
      if (value === null && key !== '__typename') value = input.__typename ?? null;
      const type = typeof value === 'string' ? (this.schema.getType(value) ?? this.schema.getType(parent)) : this.schema.getType(parent);
      if (!isObjectType(type)) return false;
      set(output, type.name);
      return true;
    };
  }

  private field(key: string, name: string, set: SelectionSetNode | undefined, parent: GraphQLCompositeType): Apply {
    const definition = 'getFields' in parent ? parent.getFields()[name] : undefined;
    if (!definition) throw new Error(`Cannot query field "${name}" on type "${parent.name}"`);
    const complete = this.complete(definition.type, set);
    const { get, set: write } = accessors(key);
    return (input, output, runtimeParent, shaping) => {
      const value = hasOwn(input, key) ? (input[key] ?? null) : null;
      shaping.path.push(key);
      const outcome = complete(get(output), value, runtimeParent, shaping);
      shaping.path.pop();
      write(output, outcome.value);
      return !outcome.invalid;
    };
  }

  private fragment(condition: string | undefined, set: SelectionSetNode, parent: GraphQLCompositeType): Apply {
    const conditionType = condition ? (this.schema.getType(condition) as GraphQLCompositeType | undefined) : undefined;
    if (condition && !conditionType) throw new Error(`Unknown type "${condition}"`);
    const applies = conditionType ? subtypeTest(this.schema, conditionType) : () => true;
    const inner = this.selectionSet(set, conditionType ?? parent);
    const narrowed = conditionType?.name;
    return (input, output, runtimeParent, shaping) => {
      const typename = input.__typename;
      if (typename !== undefined && typename !== null && typeof typename !== 'string') throw new Error(`Got unexpected value for __typename: ${String(typename)}`);
      if (!(typename ? applies(typename) : applies(runtimeParent))) return true;
      const next = narrowed ?? runtimeParent;
      for (const apply of inner) if (!apply(input, output, next, shaping)) return false;
      return true;
    };
  }

  private complete(type: GraphQLOutputType, set: SelectionSetNode | undefined): Complete {
    if (type instanceof GraphQLNonNull) {
      const inner = this.complete(type.ofType, set);
      const innerName = String(type.ofType);
      return (output, input, parent, shaping) => {
        if (output === null || (output !== undefined && !set)) return { value: output };
        const outcome = inner(output, input, parent, shaping);
        if (outcome.value !== null) return { value: outcome.value };
        if (!outcome.errors) invalid(shaping, `Cannot return null for non-nullable ${describe(shaping.path, innerName, parent)}.`);
        return { value: null, invalid: true, errors: true };
      };
    }
    if (type instanceof GraphQLList) {
      const element = this.complete(type.ofType, set);
      const typeName = String(type);
      return (output, input, parent, shaping) => {
        if (output === null || (output !== undefined && !set)) return { value: output };
        if (input === null) return { value: null };
        if (!Array.isArray(input)) throw new Error(`Invalid non-list value ${String(input)} returned by subgraph for list type ${typeName}`);
        const previous = output as unknown[] | undefined;
        if (previous !== undefined && !Array.isArray(previous)) throw new Error(`Invalid non-list value ${String(output)} returned by subgraph for list type ${typeName}`);
        if (previous && previous.length !== input.length) throw new Error(`[${String(input)}].length (${input.length}) !== [${String(previous)}].length (${previous.length})`);
        let nullify = false;
        let errors = false;
        const values = new Array<unknown>(input.length);
        for (let i = 0; i < input.length; i += 1) {
          shaping.path.push(i);
          const outcome = element(previous?.[i], input[i], parent, shaping);
          shaping.path.pop();
          nullify ||= !!outcome.invalid;
          errors ||= !!outcome.errors;
          values[i] = outcome.value;
        }
        return { value: nullify ? null : values, errors };
      };
    }
    if (isCompositeType(type)) {
      if (!set) throw new Error(`Invalid empty selection set for composite type ${type.name}`);
      const declared = this.selectionSet(set, type);
      return (output, input, parent, shaping) => {
        if (output === null || (output !== undefined && !set)) return { value: output };
        if (input === null) return { value: null };
        if (typeof input !== 'object') throw new Error(`Invalid non-object value ${String(input)} returned by subgraph for composite type ${type.name}`);
        const typename = (input as Data).__typename;
        if (typename !== undefined && typeof typename !== 'string') throw new Error(`Invalid non-string value ${String(typename)} for __typename at ${shaping.path.join(',')}`);
        let runtime = type.name;
        if (typename) {
          const named = this.schema.getType(typename);
          if (!named || !isCompositeType(named)) {
            invalid(shaping, `Invalid __typename found for object at ${describe(shaping.path, type.name, parent)}.`);
            return { value: null, errors: true };
          }
          runtime = named.name;
        }
        const target = (output ?? {}) as Data;
        for (const apply of declared) {
          if (!apply(input as Data, target, runtime, shaping)) return { value: null, errors: true };
        }
        return { value: target };
      };
    }
    const check = leafCheck(type);
    const typeName = type.name;
    return (output, input, parent, shaping) => {
      if (output === null || (output !== undefined && !set)) return { value: output };
      if (input === null) return { value: null };
      if (check(input)) return { value: input };
      invalid(shaping, `Invalid value found for ${describe(shaping.path, typeName, parent)}.`);
      return { value: null, errors: true };
    };
  }
}

/** A compiled operation: shapes the fetched data of one request. */
export type Shaper = (input: Data, variables: Variables | undefined) => { data: Data | null; errors: GraphQLError[] };

export function compileShaper(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: readonly FragmentDefinitionNode[]): Shaper {
  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  if (!root) throw new Error(`The schema has no ${operation.operation} type`);
  const applies = new ShapeCompiler(schema, fragments).selectionSet(operation.selectionSet, root);
  const defaults: Variables = {};
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue?.kind === Kind.BOOLEAN) defaults[definition.variable.name.value] = definition.defaultValue.value;
  }
  const hasDefaults = Object.keys(defaults).length > 0;
  return (input, variables) => {
    const shaping: Shaping = { variables: hasDefaults ? { ...defaults, ...variables } : (variables ?? {}), errors: [], path: [] };
    const data: Data = {};
    for (const apply of applies) if (!apply(input, data, root.name, shaping)) return { data: null, errors: shaping.errors };
    return { data, errors: shaping.errors };
  };
}

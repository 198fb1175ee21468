import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The APQ hash of a document: sha256 of its exact text, hex. */
export function documentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface TrustedOperation {
  id: string;
  name: string | undefined;
  type: string | undefined;
  body: string;
}

/** The operations a trusted-documents manifest lists, by hash. */
export class TrustedDocuments {
  private readonly byHash: ReadonlyMap<string, TrustedOperation>;

  constructor(operations: readonly TrustedOperation[]) {
    this.byHash = new Map(operations.map((operation) => [operation.id, operation]));
  }

  get size(): number {
    return this.byHash.size;
  }

  /** The document text of a hash, when the manifest lists it. */
  body(hash: string): string | undefined {
    return this.byHash.get(hash)?.body;
  }

  /** Whether this exact text is a listed document (by its hash, as a client would send it). */
  hasText(text: string): boolean {
    return this.byHash.has(documentHash(text));
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads the Apollo persisted query manifest format (`{ format: "apollo-persisted-query-manifest",
 * version: 1, operations: [{ id, name, type, body }] }`, what our codegen writes) or the plain
 * `{ "<sha256>": "<document>" }` map GraphQL Code Generator's client preset writes.
 */
export function parseManifest(json: string, source = 'the manifest'): TrustedDocuments {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new Error(`${source} is not JSON: ${(error as Error).message}`);
  }
  if (!isRecord(parsed)) throw new Error(`${source} must be a JSON object`);
  let operations: TrustedOperation[];
  if ('format' in parsed) {
    if (parsed.format !== 'apollo-persisted-query-manifest' || parsed.version !== 1 || !Array.isArray(parsed.operations)) {
      throw new Error(`${source}: expected format "apollo-persisted-query-manifest", version 1 and an operations list`);
    }
    operations = parsed.operations.map((entry: unknown, index) => {
      if (!isRecord(entry) || typeof entry.id !== 'string' || typeof entry.body !== 'string') {
        throw new Error(`${source}: operation ${index} needs a string id and body`);
      }
      return { id: entry.id, body: entry.body, name: typeof entry.name === 'string' ? entry.name : undefined, type: typeof entry.type === 'string' ? entry.type : undefined };
    });
  } else {
    operations = Object.entries(parsed).map(([id, body]) => {
      if (typeof body !== 'string') throw new Error(`${source}: the document of ${id} must be a string`);
      return { id, body, name: undefined, type: undefined };
    });
  }
  // an id that is not the hash of its body would let that hash run another text, or never match what clients send
  for (const operation of operations) {
    if (documentHash(operation.body) !== operation.id) {
      throw new Error(`${source}: ${operation.name ?? operation.id} has an id that is not the sha256 of its body (regenerate the manifest)`);
    }
  }
  return new TrustedDocuments(operations);
}

/** Loads a manifest at start-up; a missing or malformed file stops the gateway rather than running unguarded. */
export function loadManifest(path: string): TrustedDocuments {
  let json: string;
  try {
    json = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the trusted documents manifest ${path}: ${(error as Error).message}`);
  }
  return parseManifest(json, path);
}

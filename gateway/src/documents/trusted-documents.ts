import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import { GraphQLError } from 'graphql';
import { documentHash, type TrustedDocuments } from './manifest';

/**
 * `required`: only the manifest's operations run (by hash, or by a text whose hash it lists);
 * `allow`: the manifest's operations by hash, documents registered through APQ, and any text;
 * `off`: no manifest; APQ and any text.
 */
export type TrustedDocumentsMode = 'required' | 'allow' | 'off';

export const TRUSTED_DOCUMENTS_MODES: readonly TrustedDocumentsMode[] = ['required', 'allow', 'off'];

/** Apollo Server keys its APQ cache `apq:<sha256>`. */
const APQ_PREFIX = 'apq:';

/** What a request names: its document text, the hash it claims, or both. */
export interface DocumentRequest {
  query: string | undefined;
  hash: string | undefined;
}

const refusal = (message: string, code: string) => new GraphQLError(message, { extensions: { code } });

/** The trusted-documents policy of one gateway: what it refuses, and where a hash's text comes from. */
export class DocumentPolicy {
  constructor(
    readonly mode: TrustedDocumentsMode,
    /** null in `off` mode. */
    readonly manifest: TrustedDocuments | null,
    /** The persisted-query cache every replica shares. */
    private readonly apq: KeyValueCache<string>,
  ) {}

  /**
   * Why this request may not run, before anything is parsed, or null. A hash must be the sha256 of
   * the text sent with it (else one could run another text under a listed hash); in `required`
   * mode the hash, or the text's own hash, must be in the manifest.
   */
  refusal({ query, hash }: DocumentRequest): GraphQLError | null {
    if (hash !== undefined && query !== undefined && documentHash(query) !== hash) {
      return refusal('extensions.persistedQuery.sha256Hash is not the sha256 of the query sent with it', 'BAD_REQUEST');
    }
    if (this.mode !== 'required' || !this.manifest) return null;
    if (hash !== undefined) {
      return this.manifest.body(hash) === undefined ? refusal('This gateway runs only its trusted documents, and this hash is not one of them', 'PERSISTED_QUERY_NOT_FOUND') : null;
    }
    if (query !== undefined && !this.manifest.hasText(query)) {
      return refusal('This gateway runs only its trusted documents; send an operation from the manifest (by hash or by its exact text)', 'OPERATION_NOT_TRUSTED');
    }
    return null;
  }

  /** The text of a hash: from the manifest, then (unless `required`) from the shared APQ cache. */
  async lookup(hash: string): Promise<string | undefined> {
    const trusted = this.manifest?.body(hash);
    if (trusted !== undefined || this.mode === 'required') return trusted;
    return this.apq.get(`${APQ_PREFIX}${hash}`);
  }

  /**
   * The cache Apollo Server's APQ reads and writes: the manifest first, read-only, then the shared
   * cache. In `required` mode nothing is registered: only the manifest's texts ever run.
   */
  persistedQueryCache(): KeyValueCache<string> {
    return {
      get: (key) => (key.startsWith(APQ_PREFIX) ? this.lookup(key.slice(APQ_PREFIX.length)) : Promise.resolve(undefined)),
      set: async (key: string, value: string, options?: KeyValueCacheSetOptions) => {
        if (this.mode === 'required' || this.manifest?.body(key.slice(APQ_PREFIX.length)) !== undefined) return;
        await this.apq.set(key, value, options);
      },
      delete: (key) => this.apq.delete(key),
    };
  }
}

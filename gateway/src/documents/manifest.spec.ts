import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_TRUSTED_DOCUMENTS_PATH } from '../config';
import { documentHash, loadManifest, parseManifest } from './manifest';

const ME = 'query Me {\n  me {\n    id\n  }\n}';
const apollo = (operations: unknown[]) => JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations });

describe('trusted documents manifest', () => {
  it('reads the Apollo manifest format and finds a document by its hash or its exact text', () => {
    const manifest = parseManifest(apollo([{ id: documentHash(ME), name: 'Me', type: 'query', body: ME }]));
    expect(manifest.size).toBe(1);
    expect(manifest.body(documentHash(ME))).toBe(ME);
    expect(manifest.hasText(ME)).toBe(true);
    // the hash is of the exact text: the same operation spelled differently is another document
    expect(manifest.hasText('query Me { me { id } }')).toBe(false);
    expect(manifest.body(documentHash('query Me { me { id } }'))).toBeUndefined();
  });

  it('reads the client preset map of hash to document', () => {
    const manifest = parseManifest(JSON.stringify({ [documentHash(ME)]: ME }));
    expect(manifest.body(documentHash(ME))).toBe(ME);
  });

  it('refuses an entry whose id is not the sha256 of its body (a listed hash must not run another text)', () => {
    const forged = apollo([{ id: documentHash(ME), name: 'Me', type: 'query', body: '{ users { email } }' }]);
    expect(() => parseManifest(forged)).toThrow(/not the sha256 of its body/);
    expect(() => parseManifest(JSON.stringify({ [documentHash(ME)]: `${ME} ` }))).toThrow(/not the sha256/);
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['a list', '[]', /JSON object/],
    ['another format', JSON.stringify({ format: 'other', version: 1, operations: [] }), /apollo-persisted-query-manifest/],
    ['another version', JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 2, operations: [] }), /version 1/],
    ['an operation without a body', apollo([{ id: 'x' }]), /string id and body/],
    ['a map with a non-string document', JSON.stringify({ abc: 1 }), /must be a string/],
  ])('refuses %s', (_name, json, message) => {
    expect(() => parseManifest(json)).toThrow(message);
  });

  it('stops the gateway from starting on a missing file rather than running without its list', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wgtest-manifest-'));
    try {
      expect(() => loadManifest(path.join(dir, 'missing.json'))).toThrow(/cannot read the trusted documents manifest/);
      writeFileSync(path.join(dir, 'ok.json'), apollo([{ id: documentHash(ME), body: ME }]));
      expect(loadManifest(path.join(dir, 'ok.json')).hasText(ME)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads the committed manifest the default path names, with queries, mutations and subscriptions', () => {
    const manifest = loadManifest(DEFAULT_TRUSTED_DOCUMENTS_PATH);
    expect(manifest.size).toBeGreaterThan(40);
    const raw = JSON.parse(readFileSync(DEFAULT_TRUSTED_DOCUMENTS_PATH, 'utf8')) as { operations: { type: string }[] };
    expect(new Set(raw.operations.map((operation) => operation.type))).toEqual(new Set(['query', 'mutation', 'subscription']));
  });
});

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse, print, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import * as typed from './documents';

interface ManifestOperation {
  id: string;
  name: string;
  type: string;
  body: string;
}
const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../persisted-documents.json'), 'utf8')) as {
  format: string;
  operations: ManifestOperation[];
};
const byId = new Map(manifest.operations.map((operation) => [operation.id, operation]));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const operationOf = (document: DocumentNode) =>
  document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);

// every `…Document` export of the typed documents is an operation (fragments are `…FragmentDoc`)
const documents = Object.entries(typed).filter(([name]) => name.endsWith('Document')) as [string, DocumentNode][];

/** Every operation named in clients/operations. */
function operationNames(): string[] {
  const dir = path.resolve(__dirname, '../../operations');
  const files = readdirSync(dir).filter((file) => file.endsWith('.graphql'));
  expect(files.length).toBeGreaterThan(0);
  return files.flatMap((file) =>
    parse(readFileSync(path.join(dir, file), 'utf8'))
      .definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
      .map((operation) => operation.name?.value ?? ''),
  );
}

describe('the typed documents in the trusted-documents manifest', () => {
  it('exist for every operation of clients/operations: queries, mutations and subscriptions', () => {
    const names = documents.map(([, document]) => operationOf(document)?.name?.value).sort();
    expect(names).toEqual(operationNames().sort());
    const kinds = new Set(documents.map(([, document]) => operationOf(document)?.operation));
    expect(kinds).toEqual(new Set(['query', 'mutation', 'subscription']));
  });

  it.each(documents)('lists %s by the sha256 of print() of the document object', (name, document) => {
    const text = print(document);
    const listed = byId.get(sha256(text));
    expect(listed).toEqual({ id: sha256(text), name: name.slice(0, -'Document'.length), type: operationOf(document)?.operation, body: text });
  });

  it('asks for __typename in every selection set but a subscription root (what Apollo and urql caches need, so they send the text unchanged)', () => {
    const { ShowDocument, CommentAddedDocument } = typed;
    expect(print(ShowDocument)).toMatch(/^query Show\(\$id: ID!\) \{\n  __typename\n  show\(id: \$id\) \{\n    __typename\n/);
    expect(print(CommentAddedDocument)).toMatch(/^subscription CommentAdded\(\$episodeId: ID!\) \{\n  commentAdded\(episodeId: \$episodeId\) \{\n    __typename\n/);
    // a fragment's definition travels with every operation that spreads it
    expect(print(CommentAddedDocument)).toContain('fragment CommentFields on Comment {\n  __typename\n');
  });

  it('holds nothing but hashes of their bodies, in the Apollo manifest format the gateway loads', () => {
    expect(manifest.format).toBe('apollo-persisted-query-manifest');
    for (const operation of manifest.operations) expect(operation.id).toBe(sha256(operation.body));
  });
});

// Codegen plugin: the manifest of every document in clients/operations, by hash, in Apollo's
// persisted query manifest format; the gateway's trusted documents. Our own because the maintained
// emitters hash other texts: client-preset's persistedDocuments hashes its own normalised print, and
// @apollo/generate-persisted-query-manifest Apollo Client's transformed one. A hash is only useful if
// it is the sha256 of the very text a client sends, so the manifest lists, for each operation:
// - the text our SDK sends (graphql-request over graphql-tag documents): `print()` of the operation
//   followed by its fragments in the order graphql-tag assembles them;
// - the text Apollo Client and graphql-request send for the client preset's typed document:
//   `print()` of that document object, built here by the same typed-document-node plugin the preset
//   runs (so the definitions and their order are the preset's own);
// - the text urql sends for the typed document: its `stringifyDocument` prints it and drops comments
//   and blank lines outside strings (no blank line between definitions).
// Specs compare each of these with what the clients really send.
const { createHash } = require('node:crypto');
const path = require('node:path');
const { Kind, print, visit } = require('graphql');
// the document transform codegen.yml gives the client preset's output
const typename = require('./typename-transform.cjs');

// the copy of the typed-document-node plugin that @graphql-codegen/client-preset itself uses
const typedDocumentNode = require(
  require.resolve('@graphql-codegen/typed-document-node', {
    paths: [path.dirname(require.resolve('@graphql-codegen/client-preset'))],
  }),
);

/** Fragment names spread in a definition, in document order, each once (as the SDK's visitor collects them). */
function spreadNames(definition) {
  const names = [];
  visit(definition, {
    FragmentSpread(node) {
      if (!names.includes(node.name.value)) names.push(node.name.value);
    },
  });
  return names;
}

/** The definitions graphql-tag ends up with: the operation, then each fragment depth first, the first copy of each kept. */
function definitionsOf(operation, fragments) {
  const ordered = [operation];
  const seen = new Set();
  const append = (name) => {
    const fragment = fragments.get(name);
    if (!fragment) throw new Error(`unknown fragment ${name} in ${operation.name ? operation.name.value : 'an anonymous operation'}`);
    if (!seen.has(name)) ordered.push(fragment);
    seen.add(name);
    for (const inner of spreadNames(fragment)) append(inner);
  };
  for (const name of spreadNames(operation)) append(name);
  return ordered;
}

/** The documents the SDK sends, one per operation. */
function sdkDocuments(documents) {
  const definitions = documents.flatMap((file) => (file.document ? file.document.definitions : []));
  const fragments = new Map(
    definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((fragment) => [fragment.name.value, fragment]),
  );
  return definitions
    .filter((d) => d.kind === Kind.OPERATION_DEFINITION)
    .map((operation) => ({ kind: Kind.DOCUMENT, definitions: definitionsOf(operation, fragments) }));
}

/** The client preset's typed documents, one per operation, as its typed-document-node plugin builds them. */
async function typedDocuments(schema, documents) {
  const built = [];
  await typedDocumentNode.plugin(schema, documents, {
    unstable_onExecutableDocumentNode(document) {
      built.push(document);
      return undefined; // no metadata: the emitted documents stay as the preset writes them
    },
  });
  return built;
}

// urql's sanitizeDocument (@urql/core): comments and runs of line breaks outside strings become one line break
const GRAPHQL_STRING = /("{3}[\s\S]*"{3}|"(?:\\.|[^"])*")/g;
const LINE_BREAKS = /(?:#[^\n\r]+)?(?:[\r\n]+|$)/g;
const urqlText = (text) =>
  text
    .split(GRAPHQL_STRING)
    .map((part, index) => (index % 2 === 0 ? part.replace(LINE_BREAKS, '\n') : part))
    .join('')
    .trim();

function entry(operation, body) {
  if (!operation.name) throw new Error('every operation in clients/operations needs a name');
  return { id: createHash('sha256').update(body).digest('hex'), name: operation.name.value, type: operation.operation, body };
}

async function plugin(schema, documents) {
  const sdk = sdkDocuments(documents);
  const typed = await typedDocuments(schema, typename.transform({ documents }));
  const entries = new Map();
  const add = (document, body) => {
    const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    const listed = entry(operation, body);
    entries.set(listed.id, listed);
  };
  for (const document of sdk) add(document, print(document));
  for (const document of typed) {
    add(document, print(document));
    add(document, urqlText(print(document)));
  }
  const operations = [...entries.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return `${JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations }, null, 2)}\n`;
}

// a shorthand property: codegen imports this file as ESM and sees only names cjs-module-lexer can detect
module.exports = { plugin };


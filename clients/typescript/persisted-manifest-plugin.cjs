// Codegen plugin: the manifest of every operation in clients/operations, by hash, in Apollo's
// persisted query manifest format. Our own because the maintained emitters hash other texts:
// client-preset's persistedDocuments hashes its own normalised print (for its own documents), and
// @apollo/generate-persisted-query-manifest Apollo Client's transformed one. A hash is only useful
// if it is the sha256 of the very text the client sends, and our SDK (graphql-request over
// graphql-tag documents) sends `print()` of the operation followed by its fragments in the order
// graphql-tag assembles them; this plugin builds that same text (a spec compares the two).
const { createHash } = require('node:crypto');
const { Kind, print, visit } = require('graphql');

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

module.exports = {
  plugin(_schema, documents) {
    const definitions = documents.flatMap((file) => (file.document ? file.document.definitions : []));
    const fragments = new Map(
      definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((fragment) => [fragment.name.value, fragment]),
    );
    const operations = definitions
      .filter((d) => d.kind === Kind.OPERATION_DEFINITION)
      .map((operation) => {
        if (!operation.name) throw new Error('every operation in clients/operations needs a name');
        const body = print({ kind: Kind.DOCUMENT, definitions: definitionsOf(operation, fragments) });
        return { id: createHash('sha256').update(body).digest('hex'), name: operation.name.value, type: operation.operation, body };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
    return `${JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations }, null, 2)}\n`;
  },
};

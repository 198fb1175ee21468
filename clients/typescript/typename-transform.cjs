// Codegen document transform: `__typename` in every selection set of the typed documents (but a
// subscription's root, which must stay a single field). Apollo Client's and urql's caches need it;
// with it already there they send the document unchanged, so its text is the one in the manifest.
const { addTypenameSelectionDocumentTransform } = require('@graphql-codegen/client-preset');

exports.transform = addTypenameSelectionDocumentTransform.transform;

// Codegen reads the supergraph through this loader: clients see the API schema, without the
// join/link machinery the gateway uses for planning.
const { readFileSync } = require('node:fs');
const { Supergraph } = require('@apollo/federation-internals');

module.exports = (schemaPath) => Supergraph.build(readFileSync(schemaPath, 'utf8')).apiSchema().toGraphQLJSSchema();

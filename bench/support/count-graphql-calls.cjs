// Bench-only preload (NODE_OPTIONS=--require …), given to the bench stack's subgraphs alone: it
// counts the GraphQL requests a subgraph receives (POST /graphql, whichever gateway sends them)
// and answers the count on its own port, BENCH_CALLS_PORT_OFFSET above the subgraph's, so the
// federation bench counts subgraph calls per client request the same way for every gateway.
const diagnostics = require('node:diagnostics_channel');
const http = require('node:http');
const path = require('node:path');

let calls = 0;
diagnostics.subscribe('http.server.request.start', ({ request }) => {
  if (request.method === 'POST' && request.url.startsWith('/graphql')) calls += 1;
});

// subgraphs/<name>/dist/main.js, whose port the stack gives as <NAME>_PORT
const name = path.basename(path.resolve(path.dirname(process.argv[1]), '..'));
const port = Number(process.env[`${name.toUpperCase()}_PORT`]) + Number(process.env.BENCH_CALLS_PORT_OFFSET);
if (!Number.isInteger(port)) throw new Error(`count-graphql-calls: no port for ${name} (${name.toUpperCase()}_PORT, BENCH_CALLS_PORT_OFFSET)`);
// unref'd: it must not keep a stopping subgraph alive
http.createServer((_req, res) => res.end(String(calls))).listen(port, '127.0.0.1').unref();

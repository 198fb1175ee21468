// Shape (b)'s subgraph process (run by shape-synthetic.mjs, on the bench's core): the four
// subgraphs of subgraphs.mjs on ports BENCH_SUBGRAPH_PORTS (in their order), and on
// BENCH_STATS_PORT the JWKS the gateway verifies tokens with (BENCH_JWKS) and GET /calls, the
// number of GraphQL requests all four have received. Envelopes are not checked here.
//
// Written on node:http and graphql-js rather than a server library: the subgraphs must cost as
// little as possible so that the gateway, alone on its core, is what limits throughput. For the
// same reason each subgraph keeps the answer to each request body it has seen (a bounded map;
// answers are a pure function of the body): a gateway sending the same fetch again is answered
// from memory, and a gateway whose fetches vary (batched across requests, say) only costs more.
import { createServer } from 'node:http';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse, validate } from 'graphql';
import { SUBGRAPHS } from './subgraphs.mjs';

const ANSWERS_KEPT = 2000;
const ports = process.env.BENCH_SUBGRAPH_PORTS.split(',').map(Number);
let calls = 0;

function serve({ typeDefs, resolvers }, port) {
  const schema = buildSubgraphSchema([{ typeDefs, resolvers }]);
  const documents = new Map();
  const answers = new Map();
  const answer = async (text) => {
    const { query, variables, operationName } = JSON.parse(text);
    let document = documents.get(query);
    if (!document) {
      document = parse(query);
      const errors = validate(schema, document);
      if (errors.length) return JSON.stringify({ errors: errors.map((e) => e.toJSON()) });
      documents.set(query, document);
    }
    const result = await execute({ schema, document, variableValues: variables, operationName });
    return JSON.stringify(result);
  };
  return new Promise((resolve) => {
    createServer((req, res) => {
      if (req.method !== 'POST') return res.writeHead(404).end();
      calls += 1;
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', async () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          let body = answers.get(text);
          if (body === undefined) {
            body = await answer(text);
            if (answers.size >= ANSWERS_KEPT) answers.delete(answers.keys().next().value);
            answers.set(text, body);
          }
          res.writeHead(200, { 'content-type': 'application/json' }).end(body);
        } catch (error) {
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: String(error) }] }));
        }
      });
    }).listen(port, '127.0.0.1', resolve);
  });
}

await Promise.all(SUBGRAPHS.map((subgraph, i) => serve(subgraph, ports[i])));
const jwks = process.env.BENCH_JWKS;
await new Promise((resolve) => {
  createServer((req, res) => {
    if (req.url === '/calls') return res.end(String(calls));
    if (req.url === '/.well-known/jwks.json') return res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    res.writeHead(404).end();
  }).listen(Number(process.env.BENCH_STATS_PORT), '127.0.0.1', resolve);
});
console.log('synthetic subgraphs ready');

// Stock @apollo/gateway + @apollo/server (standalone, no plugins) serving the supergraph file
// SUPERGRAPH_PATH on PORT. With BENCH_SIGN_SECRET set, each subgraph request is signed by
// wrapping the data source's own default fetcher (see envelope.mjs); nothing else is changed.
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { envelopeHeaders, signingSecret } from './envelope.mjs';

const secret = signingSecret();

function buildService({ url }) {
  const source = new RemoteGraphQLDataSource({ url });
  if (secret) {
    const fetcher = source.fetcher;
    source.fetcher = (target, init) => fetcher(target, { ...init, headers: { ...init.headers, ...envelopeHeaders(secret, init.body) } });
  }
  return source;
}

const gateway = new ApolloGateway({ supergraphSdl: readFileSync(process.env.SUPERGRAPH_PATH, 'utf8'), buildService });
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, { listen: { port: Number(process.env.PORT), host: '127.0.0.1' } });
console.log(`stock @apollo/gateway at ${url}`);
// a normal exit on SIGTERM, so a CPU profile (BENCH_CPU_PROFILE_DIR) is written
process.on('SIGTERM', () => process.exit(0));

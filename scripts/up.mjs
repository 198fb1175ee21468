// The first command: install, build, then run the whole supergraph until Ctrl-C.
import { checkServices, ensureFfmpeg, installAndBuild } from './setup.mjs';
import { startStack } from './processes.mjs';
import { GATEWAY, SUBGRAPHS } from './services.mjs';

// `npm start` is the explicit local development run: the only one (with tests) in which the
// built-in development secrets are accepted, and only while everything listens on loopback
process.env.NODE_ENV ||= 'development';

checkServices();
ensureFfmpeg();
installAndBuild();

let stopping = false;
let stack;
const shutdown = async (code) => {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping Wavegraph…');
  await stack?.stop();
  process.exit(code);
};
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

try {
  stack = await startStack({
    onExit: (name, code, signal) => {
      if (stopping) return;
      console.error(`✖ ${name} stopped unexpectedly (${signal ?? `exit ${code}`}); stopping the rest.`);
      shutdown(1);
    },
  });
} catch (error) {
  console.error(`✖ ${error.message}`);
  process.exit(1);
}

console.log(`
Wavegraph is up.
  GraphQL endpoint (Apollo Sandbox in a browser): http://localhost:${GATEWAY.port}/graphql
${SUBGRAPHS.map((s) => `  ${s.name.padEnd(10)} subgraph (gateway-signed requests only): http://127.0.0.1:${s.port}/graphql`).join('\n')}
  JWKS: http://127.0.0.1:4001/.well-known/jwks.json
Press Ctrl-C to stop.`);

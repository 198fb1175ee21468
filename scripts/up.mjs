// The first command: install, build, then run the whole supergraph until Ctrl-C. A process that
// dies is started again with backoff (scripts/supervisor.mjs) while the rest keeps serving.
//   --no-install        skip install and build (the workspace is built already)
//   WAVEGRAPH_PORT_OFFSET  move every port by this much (a second stack beside a running one)
//   WEB_PORT            the web app's port (default 4173, moved by the offset too)
import { checkServices, ensureSystemTools, installAndBuild, RUNTIME_TOOLS } from './setup.mjs';
import path from 'node:path';
import clickhouse from './clickhouse.cjs';
import { root } from './setup.mjs';
import { startStack } from './processes.mjs';
import { GATEWAY, SUBGRAPHS } from './services.mjs';
import { startWebServer } from '../clients/web/serve.mjs';

// `npm start` is the explicit local development run: the only one (with tests) in which the
// built-in development secrets are accepted, and only while everything listens on loopback
process.env.NODE_ENV ||= 'development';
const portOffset = Number(process.env.WAVEGRAPH_PORT_OFFSET ?? 0);
if (!Number.isInteger(portOffset) || portOffset < 0) {
  console.error(`✖ WAVEGRAPH_PORT_OFFSET must be a whole number, not "${process.env.WAVEGRAPH_PORT_OFFSET}"`);
  process.exit(1);
}

const webPort = Number(process.env.WEB_PORT ?? 4173) + portOffset;
// the gateway's development CORS allows the usual dev ports; a moved stack allows its own web app's
if (portOffset !== 0 && !process.env.CORS_ORIGINS) {
  process.env.CORS_ORIGINS = ['https://studio.apollographql.com', ...[webPort, 5173 + portOffset].flatMap((p) => [`http://localhost:${p}`, `http://127.0.0.1:${p}`])].join(',');
}

checkServices();
ensureSystemTools(RUNTIME_TOOLS);
if (!process.argv.includes('--no-install')) installAndBuild();

// analytics' ClickHouse, as a process of ours: state in .data/clickhouse, HTTP on ANALYTICS_CLICKHOUSE_PORT (8123 + offset)
let analyticsStore;
if (!process.env.ANALYTICS_CLICKHOUSE_URL) {
  try {
    analyticsStore = await clickhouse.startClickHouse({ dir: path.join(root, '.data', 'clickhouse'), port: Number(process.env.ANALYTICS_CLICKHOUSE_PORT ?? 8123) + portOffset });
    process.env.ANALYTICS_CLICKHOUSE_URL = analyticsStore.url;
  } catch (error) {
    console.error(`✖ ClickHouse: ${error.message}`);
    process.exit(1);
  }
}

let stopping = false;
let stack;
let webServer;
const shutdown = async (code) => {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping Wavegraph…');
  await stack?.stop();
  webServer?.close();
  await analyticsStore?.stop();
  console.log('Wavegraph stopped.');
  process.exit(code);
};
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

try {
  stack = await startStack({
    portOffset,
    restart: true,
    log: (line) => console.error(line),
    onGiveUp: () => console.error('  The rest of the stack keeps running; fix the cause, then restart `npm start`.'),
  });
} catch (error) {
  console.error(`✖ ${error.message}`);
  await analyticsStore?.stop();
  process.exit(1);
}

const at = (p) => p + portOffset;
// the built web app (scripts/setup.mjs builds it), pointed at this gateway
let webLine;
try {
  webServer = await startWebServer({ port: webPort, host: '127.0.0.1', gatewayUrl: `http://localhost:${at(GATEWAY.port)}/graphql` });
  webLine = `  Web app (creator studio and listener): http://localhost:${webPort}`;
} catch (error) {
  webLine = `  Web app not served: ${error.message}`;
}
console.log(`
Wavegraph is up.
${webLine}
  GraphQL endpoint (Apollo Sandbox in a browser): http://localhost:${at(GATEWAY.port)}/graphql
${SUBGRAPHS.map((s) => `  ${s.name.padEnd(13)} subgraph (gateway-signed requests only): http://127.0.0.1:${at(s.port)}/graphql`).join('\n')}
  JWKS: http://127.0.0.1:${at(4001)}/.well-known/jwks.json
  ClickHouse (analytics' store): ${process.env.ANALYTICS_CLICKHOUSE_URL}
A process that dies is restarted (with backoff; see the log). Press Ctrl-C to stop.`);

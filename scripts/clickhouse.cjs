// Runs a ClickHouse server of our own (Debian's clickhouse-server): our config, our data directory,
// HTTP on loopback only (no native TCP port), stopped with its owner. CommonJS so both the dev
// command (ESM) and Jest's global setup (compiled to CommonJS) can load it.
const { spawn, spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, writeFileSync } = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const CLICKHOUSE_SERVER = process.env.CLICKHOUSE_SERVER_BIN || '/usr/sbin/clickhouse-server';

/** The config.xml and users.xml of a server listening on 127.0.0.1:<port> with its state under <dir>. */
function writeConfig(dir, port) {
  for (const sub of ['data', 'tmp', 'user_files', 'format_schemas', 'log']) mkdirSync(path.join(dir, sub), { recursive: true });
  const at = (sub) => `${path.join(dir, sub)}/`;
  writeFileSync(
    path.join(dir, 'config.xml'),
    `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${path.join(dir, 'log', 'server.log')}</log><errorlog>${path.join(dir, 'log', 'error.log')}</errorlog><size>10M</size><count>2</count></logger>
  <http_port>${port}</http_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${at('data')}</path>
  <tmp_path>${at('tmp')}</tmp_path>
  <user_files_path>${at('user_files')}</user_files_path>
  <format_schema_path>${at('format_schemas')}</format_schema_path>
  <timezone>UTC</timezone>
  <mark_cache_size>268435456</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <users_config>users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
</yandex>
`,
  );
  writeFileSync(
    path.join(dir, 'users.xml'),
    `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage><load_balancing>random</load_balancing></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
`,
  );
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

async function waitUntilAnswering(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`clickhouse-server exited (${child.signalCode ?? child.exitCode}) before answering; see its log`);
    try {
      const res = await fetch(`${url}/ping`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`clickhouse-server at ${url} did not answer within ${timeoutMs} ms`);
}

/**
 * Starts clickhouse-server with its state in `dir` on `port` (a free one when 0) and waits until it
 * answers. Returns its URL and stop(): SIGTERM (the server finishes its merges, some seconds), or
 * with `{ discard: true }` SIGKILL, for a server whose data is thrown away next (tests); either way
 * it resolves once the process has exited.
 */
async function startClickHouse({ dir, port = 0, timeoutMs = 30_000 }) {
  const chosen = port || (await freePort());
  writeConfig(dir, chosen);
  const child = spawn(CLICKHOUSE_SERVER, [`--config-file=${path.join(dir, 'config.xml')}`], { cwd: dir, stdio: 'ignore', detached: true });
  const url = `http://127.0.0.1:${chosen}`;
  const stop = ({ discard = false } = {}) =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(discard ? 'SIGKILL' : 'SIGTERM');
      // a server that does not go within 15 s is killed
      setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 15_000).unref();
    });
  process.once('exit', () => child.exitCode === null && child.kill('SIGKILL'));
  try {
    await waitUntilAnswering(url, child, timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port: chosen, pid: child.pid, stop };
}

// clickhouse-server has no --version (it exits 78); the binary being there and the client answering is enough
const clickHousePresent = () => existsSync(CLICKHOUSE_SERVER) && spawnSync('clickhouse-client', ['--version'], { stdio: 'ignore' }).status === 0;

module.exports = { startClickHouse, clickHousePresent, CLICKHOUSE_SERVER };

// Runs every benchmark in turn (not part of the test suite): npm run bench
import { spawnSync } from 'node:child_process';
import { checkServices, installAndBuild } from '../scripts/setup.mjs';

checkServices();
installAndBuild();
for (const bench of ['gateway.mjs', 'federation.mjs', 'events.mjs', 'backbone.mjs', 'transcript-search.mjs', 'media.mjs', 'video.mjs', 'transcripts.mjs', 'tts.mjs', 'subscriptions.mjs', 'feeds.mjs', 'ingest.mjs']) {
  const result = spawnSync(process.execPath, [new URL(bench, import.meta.url).pathname, '--no-build'], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// A container's health check: exits 0 when the URL (argument or HEALTHCHECK_URL) answers 2xx
// within 3 s, 1 otherwise. Plain fetch, so the images need no curl.
const url = process.argv[2] ?? process.env.HEALTHCHECK_URL;
if (!url) {
  console.error('usage: node scripts/healthcheck.mjs <url> (or set HEALTHCHECK_URL)');
  process.exit(2);
}
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  if (!res.ok) console.error(`${url}: ${res.status}`);
  process.exit(res.ok ? 0 : 1);
} catch (error) {
  console.error(`${url}: ${error.cause?.code ?? error.cause?.message ?? error.message}`);
  process.exit(1);
}

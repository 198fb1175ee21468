// The process list of the supergraph lives in services.json: names, ports and entry points.
// docker-compose.yml describes the same list (e2e/stack.e2e.ts checks they agree).
import { readFileSync } from 'node:fs';

const services = JSON.parse(readFileSync(new URL('./services.json', import.meta.url), 'utf8'));

export const SUBGRAPHS = services.subgraphs;
export const WORKERS = services.workers;
export const GATEWAY = services.gateway;

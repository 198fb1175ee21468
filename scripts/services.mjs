// The process list of the supergraph lives in services.json: names, ports and entry points.
// docker-compose.yml, the Dockerfile and deploy/k8s run the same list (e2e/images.e2e.ts and
// e2e/kubernetes.e2e.ts check they agree).
import { readFileSync } from 'node:fs';

const services = JSON.parse(readFileSync(new URL('./services.json', import.meta.url), 'utf8'));

export const SUBGRAPHS = services.subgraphs;
export const WORKERS = services.workers;
export const GATEWAY = services.gateway;

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { parse } from 'yaml';

export const root = path.resolve(__dirname, '../..');
export const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');

export interface ServiceList {
  subgraphs: { name: string; dir: string; module: string; port: number }[];
  workers: { name: string; dir: string; entry: string; of: string; port: number }[];
  gateway: { name: string; dir: string; entry: string; port: number };
}

/** One process of scripts/services.json, as the images, compose and Kubernetes run it. */
export interface Process {
  name: string;
  kind: 'subgraph' | 'worker' | 'gateway';
  /** The entry point relative to the repository (and to /app in the images). */
  entry: string;
  port: number;
  /** Where its readiness is answered. */
  readyPath: string;
  /** The image target it runs from: media's processes need ffmpeg. */
  target: 'app' | 'media';
  /** A worker's subgraph (it migrates the database the worker uses). */
  of?: string;
}

export const services = JSON.parse(read('scripts/services.json')) as ServiceList;

const target = (dir: string): Process['target'] => (dir === 'subgraphs/media' ? 'media' : 'app');

export const processes: Process[] = [
  ...services.subgraphs.map((s) => ({ name: s.name, kind: 'subgraph' as const, entry: `${s.dir}/dist/main.js`, port: s.port, readyPath: '/ready', target: target(s.dir) })),
  ...services.workers.map((w) => ({ name: w.name, kind: 'worker' as const, entry: `${w.dir}/${w.entry}`, port: w.port, readyPath: '/ready', target: target(w.dir), of: w.of })),
  { name: services.gateway.name, kind: 'gateway', entry: `${services.gateway.dir}/${services.gateway.entry}`, port: services.gateway.port, readyPath: '/ready', target: 'app' },
];

export interface Stage {
  name: string;
  /** The image or earlier stage it starts from. */
  from: string;
  instructions: Instruction[];
}

/** The Dockerfile's stages in order, each with its own instructions (dockerfile-ast's parse). */
export function dockerfileStages(text = read('Dockerfile')): { stages: Stage[]; args: Record<string, string> } {
  const dockerfile = DockerfileParser.parse(text);
  const args = Object.fromEntries(dockerfile.getInitialARGs().map((arg) => [arg.getProperty()?.getName() ?? '', arg.getProperty()?.getValue() ?? '']));
  const stages: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const from = instruction as unknown as { getImage(): string | null; getBuildStage(): string | null };
      stages.push({ name: from.getBuildStage() ?? `#${stages.length}`, from: from.getImage() ?? '', instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return { stages, args };
}

/** A target's stage and every stage it is built on, the base first. */
export function stageChain(stages: Stage[], name: string): Stage[] {
  const stage = stages.find((s) => s.name === name);
  if (!stage) throw new Error(`no stage ${name}`);
  const parent = stages.find((s) => s.name === stage.from);
  return parent ? [...stageChain(stages, parent.name), stage] : [stage];
}

/** docker-compose.yml as Compose reads it: YAML merge keys (`<<`) applied. */
export const compose = (text = read('docker-compose.yml')) =>
  parse(text, { merge: true }) as {
    services: Record<string, ComposeService>;
    volumes?: Record<string, unknown>;
  };

export interface ComposeService {
  image?: string;
  build?: { context: string; target?: string };
  command?: string[];
  environment?: Record<string, string>;
  env_file?: { path: string; required?: boolean }[];
  ports?: string[];
  volumes?: string[];
  profiles?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
}

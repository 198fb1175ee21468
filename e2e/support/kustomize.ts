import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parse } from 'yaml';

/**
 * Renders a kustomization the way `kustomize build` (or `kubectl apply -k`) does, for the part of
 * kustomize that deploy/k8s uses: resources (files and directories), namespace, images,
 * secretGenerator from env files (with disableNameSuffixHash), and patches — strategic-merge
 * patches from files, and JSON 6902 patches with a target. Our own code because the registry has
 * no kustomize that runs without its Go binary; anything else in a kustomization is refused, so
 * a manifest that needs more cannot pass unnoticed. Its output was checked against kustomize
 * v5.5 (`kubectl kustomize`) object for object.
 */

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/** Files to read instead of the disk (a test's secrets.env), by absolute path. */
export type FileOverrides = Record<string, string>;

const SUPPORTED = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images', 'secretGenerator', 'generatorOptions', 'patches']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'PriorityClass']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function readText(file: string, files: FileOverrides): string {
  if (file in files) return files[file];
  if (!existsSync(file)) throw new Error(`${file}: no such file`);
  return readFileSync(file, 'utf8');
}

const isObject = (value: unknown): value is Record<string, Json> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Strategic merge as kustomize applies it to our manifests: maps merge, lists of named items merge by name (new ones first), other lists are replaced. */
export function strategicMerge(base: Json, patch: Json): Json {
  if (isObject(base) && isObject(patch)) {
    const merged: Record<string, Json> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete merged[key];
      else merged[key] = key in base ? strategicMerge(base[key], value) : value;
    }
    return merged;
  }
  const named = (list: Json[]) => list.every((item) => isObject(item) && typeof item.name === 'string');
  if (Array.isArray(base) && Array.isArray(patch) && base.length > 0 && named(base) && named(patch)) {
    const merged = [...base];
    const added: Json[] = [];
    for (const item of patch as Record<string, Json>[]) {
      const at = merged.findIndex((existing) => (existing as Record<string, Json>).name === item.name);
      if (at === -1) added.push(item);
      else merged[at] = strategicMerge(merged[at], item);
    }
    // as kustomize orders them: the patch's new items first
    return [...added, ...merged];
  }
  return patch;
}

/** JSON 6902 (add, replace, remove) on one object. */
function applyJson6902(target: Json, operations: { op: string; path: string; value?: Json }[]): Json {
  const copy = structuredClone(target);
  for (const { op, path: pointer, value } of operations) {
    const keys = pointer.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop()!;
    let parent: Json = copy;
    for (const key of keys) {
      parent = Array.isArray(parent) ? parent[Number(key)] : (parent as Record<string, Json>)[key];
      if (parent === undefined) throw new Error(`patch path ${pointer} does not exist`);
    }
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (op === 'add') parent.splice(index, 0, value!);
      else if (op === 'replace') parent[index] = value!;
      else if (op === 'remove') parent.splice(index, 1);
      else throw new Error(`unsupported patch op ${op}`);
    } else {
      const object = parent as Record<string, Json>;
      if ((op === 'replace' || op === 'remove') && !(last in object)) throw new Error(`patch path ${pointer} does not exist`);
      if (op === 'add' || op === 'replace') object[last] = value!;
      else if (op === 'remove') delete object[last];
      else throw new Error(`unsupported patch op ${op}`);
    }
  }
  return copy;
}

function parseEnvFile(text: string, file: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const at = trimmed.indexOf('=');
    if (at <= 0) throw new Error(`${file}: not KEY=VALUE: ${trimmed}`);
    entries[trimmed.slice(0, at)] = trimmed.slice(at + 1);
  }
  return entries;
}

function podSpecs(object: K8sObject): Record<string, Json>[] {
  const template = (object.spec as Record<string, Json> | undefined)?.template as Record<string, Json> | undefined;
  const spec = template?.spec;
  return isObject(spec) ? [spec] : [];
}

interface Kustomization {
  namespace?: string;
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
  secretGenerator?: { name: string; envs?: string[]; type?: string }[];
  generatorOptions?: { disableNameSuffixHash?: boolean };
  patches?: { path?: string; patch?: string; target?: { kind?: string; name?: string } }[];
}

/** The objects `kustomize build dir` would print (in the order resources are listed). */
export function kustomizeBuild(dir: string, files: FileOverrides = {}): K8sObject[] {
  const file = path.join(dir, 'kustomization.yaml');
  const k = parse(readText(file, files)) as Kustomization & Record<string, unknown>;
  const unsupported = Object.keys(k).filter((key) => !SUPPORTED.has(key));
  if (unsupported.length) throw new Error(`${file}: ${unsupported.join(', ')} not supported by this renderer`);

  let objects: K8sObject[] = [];
  for (const resource of k.resources ?? []) {
    const at = path.resolve(dir, resource);
    if (existsSync(at) && statSync(at).isDirectory()) objects.push(...kustomizeBuild(at, files));
    else objects.push(...parseAllDocuments(readText(at, files)).map((doc) => doc.toJS() as K8sObject).filter(Boolean));
  }

  for (const generator of k.secretGenerator ?? []) {
    if (!k.generatorOptions?.disableNameSuffixHash) throw new Error(`${file}: secretGenerator needs generatorOptions.disableNameSuffixHash (name hashes are not rendered)`);
    const data: Record<string, string> = {};
    for (const env of generator.envs ?? []) {
      const envFile = path.resolve(dir, env);
      for (const [key, value] of Object.entries(parseEnvFile(readText(envFile, files), envFile))) data[key] = Buffer.from(value).toString('base64');
    }
    objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: generator.name }, type: generator.type ?? 'Opaque', data });
  }

  for (const entry of k.patches ?? []) {
    if (entry.path) {
      const patch = parse(readText(path.resolve(dir, entry.path), files)) as K8sObject;
      const at = objects.findIndex((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name);
      if (at === -1) throw new Error(`${entry.path}: no ${patch.kind} ${patch.metadata.name} to patch`);
      objects[at] = strategicMerge(objects[at] as unknown as Json, patch as unknown as Json) as unknown as K8sObject;
    } else if (entry.patch && entry.target) {
      const operations = parse(entry.patch) as { op: string; path: string; value?: Json }[];
      const { kind, name } = entry.target;
      const matches = (o: K8sObject) => (!kind || o.kind === kind) && (!name || new RegExp(`^${name}$`).test(o.metadata.name));
      if (!objects.some(matches)) throw new Error(`${file}: no object matches patch target ${JSON.stringify(entry.target)}`);
      objects = objects.map((o) => (matches(o) ? (applyJson6902(o as unknown as Json, operations) as unknown as K8sObject) : o));
    } else {
      throw new Error(`${file}: a patch needs a path, or a patch with a target`);
    }
  }

  for (const image of k.images ?? []) {
    for (const spec of objects.flatMap(podSpecs)) {
      for (const container of [...((spec.containers as Record<string, Json>[]) ?? []), ...((spec.initContainers as Record<string, Json>[]) ?? [])]) {
        const [name, tag] = String(container.image).split(/:(?=[^/]+$)/);
        if (name !== image.name) continue;
        container.image = `${image.newName ?? name}${image.newTag ? `:${image.newTag}` : tag ? `:${tag}` : ''}`;
      }
    }
  }

  if (k.namespace) {
    for (const o of objects) {
      if (o.kind === 'Namespace' || CLUSTER_SCOPED.has(o.kind)) continue;
      o.metadata = { ...o.metadata, namespace: k.namespace };
    }
  }
  return objects;
}

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import * as admissionregistration from 'kubernetes-models/admissionregistration.k8s.io/v1';
import * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as core from 'kubernetes-models/v1';
import * as keda from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { processes, read, root, services, type Process } from './support/deploy-files';
import { kustomizeBuild, type K8sObject } from './support/kustomize';

/** The model (with the Kubernetes 1.27 OpenAPI schema, or KEDA's CRD schema) of each apiVersion. */
const models: Record<string, Record<string, unknown>> = {
  v1: core,
  'apps/v1': apps,
  'autoscaling/v2': autoscaling,
  'networking.k8s.io/v1': networking,
  'policy/v1': policy,
  'admissionregistration.k8s.io/v1': admissionregistration,
  'keda.sh/v1alpha1': keda,
};

function validate(object: K8sObject): void {
  const Model = models[object.apiVersion]?.[object.kind] as (new (data: unknown) => { validate(): void }) | undefined;
  if (!Model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  new Model(object).validate();
}

const overlay = (name: string) => path.join(root, 'deploy/k8s/overlays', name);
// what an operator's secrets.env holds: every key of the example, with values of our own
const secretsFor = (name: string) => read(`deploy/k8s/overlays/${name}/secrets.env.example`).replace(/<[^>]+>/g, 'x'.repeat(40));
const build = (name: string) => kustomizeBuild(overlay(name), { [path.join(overlay(name), 'secrets.env')]: secretsFor(name) });

const rendered = {
  base: kustomizeBuild(path.join(root, 'deploy/k8s/base')),
  local: build('local'),
  production: build('production'),
};
const overlays = ['local', 'production'] as const;
const find = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests are plain YAML */
const podSpec = (d: K8sObject): any => (d.spec as any).template.spec;
const container = (d: K8sObject): any => podSpec(d).containers[0];

describe('the Kubernetes manifests', () => {
  it.each(Object.keys(rendered))('renders %s into objects that each pass their Kubernetes API schema', (name) => {
    const objects = rendered[name as keyof typeof rendered];
    expect(objects.length).toBeGreaterThan(processes.length * 2);
    for (const object of objects) {
      try {
        validate(object);
      } catch (error) {
        throw new Error(`${object.kind} ${object.metadata.name}: ${(error as Error).message}`);
      }
    }
  });

  it('has a validator that refuses what the API server would', () => {
    const deployment = structuredClone(find(rendered.production, 'Deployment', 'gateway')!);
    (container(deployment).resources as any).limits.cpu = 'two cores';
    expect(() => validate(deployment)).toThrow(/quantity/);
    const scaled = structuredClone(find(rendered.production, 'ScaledObject', 'media-worker')!);
    delete (scaled.spec as any).triggers[0].type;
    expect(() => validate(scaled)).toThrow(/type/);
  });

  it.each(overlays)('puts everything of %s in its namespace', (name) => {
    const namespace = rendered[name].find((o) => o.kind === 'Namespace')!.metadata.name;
    expect(namespace).toBe(name === 'production' ? 'wavegraph' : 'wavegraph-local');
    expect(rendered[name].filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== namespace)).toEqual([]);
  });

  describe.each(overlays)('%s', (name) => {
    const objects = rendered[name];
    const config = (find(objects, 'ConfigMap', 'wavegraph-config')!.data ?? {}) as Record<string, string>;
    const secret = find(objects, 'Secret', 'wavegraph-secrets')!;

    it.each(processes.map((p) => [p.name, p] as const))('runs %s as scripts/services.json says, from its image, probed on its port', (_n, p: Process) => {
      const deployment = find(objects, 'Deployment', p.name)!;
      expect(deployment).toBeDefined();
      const c = container(deployment);
      // args keep the image's tini entrypoint as PID 1
      expect(c.command).toBeUndefined();
      expect(c.args).toEqual(['node', p.entry]);
      const registry = name === 'production' ? 'registry.example.com/' : '';
      expect(c.image).toMatch(new RegExp(`^${registry}wavegraph/${p.target}:[\\w.-]+$`));
      expect(c.ports).toEqual([{ name: 'http', containerPort: p.port }]);
      expect(c.startupProbe.httpGet).toEqual({ path: '/health', port: 'http' });
      expect(c.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
      expect(c.readinessProbe.httpGet).toEqual({ path: p.readyPath, port: 'http' });
      for (const kind of ['requests', 'limits']) expect(Object.keys(c.resources[kind]).sort()).toEqual(['cpu', 'memory']);
      // runs as the image's unprivileged user, nothing writable but its volumes
      expect(podSpec(deployment).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      // the selector picks its own pods only
      expect((deployment.spec as any).selector.matchLabels).toEqual({ 'app.kubernetes.io/name': p.name });
      expect((deployment.spec as any).template.metadata.labels['app.kubernetes.io/component']).toBe(p.kind);
    });

    it.each(processes.map((p) => [p.name, p] as const))('gives %s time to drain after the preStop pause, as its process does on SIGTERM', (_n, p) => {
      const deployment = find(objects, 'Deployment', p.name)!;
      const pause = Number(container(deployment).lifecycle.preStop.exec.command[1]);
      expect(container(deployment).lifecycle.preStop.exec.command[0]).toBe('sleep');
      // HTTP drains for up to 10 s (Apollo's drain plugin), a media job may run for minutes
      const drain = p.name === 'media-worker' ? 240 : 10;
      expect(podSpec(deployment).terminationGracePeriodSeconds).toBeGreaterThanOrEqual(pause + drain + 5);
    });

    it('gives every process its secrets by key, each one present in wavegraph-secrets, and nothing it does not use', () => {
      const keys = Object.keys((secret.data ?? {}) as object);
      for (const p of processes) {
        const env: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } }[] = container(find(objects, 'Deployment', p.name)!).env;
        const refs = env.map((e) => e.valueFrom?.secretKeyRef).filter((r): r is NonNullable<typeof r> => !!r);
        for (const ref of refs) {
          expect(ref.name).toBe('wavegraph-secrets');
          if (!ref.optional) expect(keys).toContain(ref.key);
        }
        const names = refs.map((r) => r.key);
        const database = p.kind === 'worker' ? p.of! : p.name;
        if (p.kind !== 'gateway') expect(names).toContain(`${database.toUpperCase()}_DATABASE_URL`);
        // one database each: no process is handed another context's
        expect(names.filter((k) => k.endsWith('_DATABASE_URL'))).toEqual(p.kind === 'gateway' ? [] : [`${database.toUpperCase()}_DATABASE_URL`]);
        expect(names).toContain('REDIS_URL');
        if (p.kind !== 'worker') expect(names).toContain('WAVEGRAPH_GATEWAY_SECRET');
        expect(names.includes('MEDIA_SIGNING_SECRET')).toBe(p.name === 'media');
        expect(container(find(objects, 'Deployment', p.name)!).envFrom).toEqual([{ configMapRef: { name: 'wavegraph-config' } }]);
      }
    });

    it('configures production behaviour, with the gateway routed to every subgraph by its Service', () => {
      expect(config.NODE_ENV).toBe('production');
      expect(config.HOST).toBe('0.0.0.0');
      for (const s of services.subgraphs) {
        expect(config[`SUBGRAPH_${s.name.toUpperCase()}_URL`]).toBe(`http://${s.name}:${s.port}/graphql`);
        const svc = find(objects, 'Service', s.name)!;
        expect((svc.spec as any).ports).toEqual([{ name: 'http', port: s.port, targetPort: 'http' }]);
        expect((svc.spec as any).selector).toEqual({ 'app.kubernetes.io/name': s.name });
      }
      expect(config.JWKS_URL).toBe(`http://identity:${services.subgraphs.find((s) => s.name === 'identity')!.port}/.well-known/jwks.json`);
      // trusted documents stay required in production (the gateway's production default)
      expect(config.GATEWAY_TRUSTED_DOCUMENTS).toBe(name === 'production' ? undefined : 'allow');
      expect(config.MEDIA_STORAGE).toBe(name === 'production' ? 's3' : 'filesystem');
    });

    it('autoscales the gateway and every subgraph on CPU', () => {
      for (const p of processes.filter((q) => q.kind !== 'worker')) {
        const hpa = find(objects, 'HorizontalPodAutoscaler', p.name)!;
        expect((hpa.spec as any).scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: p.name });
        expect([(hpa.spec as any).minReplicas, (hpa.spec as any).maxReplicas]).toEqual(name === 'production' ? [2, 10] : [1, 2]);
        expect((hpa.spec as any).metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
        // the autoscaler owns the replica count
        expect((find(objects, 'Deployment', p.name)!.spec as any).replicas).toBeUndefined();
      }
    });

    it('scales media-worker on the depth of its BullMQ queue through KEDA', () => {
      const jobs = read('subgraphs/media/src/processing/processing.jobs.ts');
      // the processing queue and the video queue: work waiting on either needs a worker
      const queues = [/PROCESSING_QUEUE = '([^']+)'/.exec(jobs)![1], /VIDEO_QUEUE = '([^']+)'/.exec(jobs)![1]];
      const scaled = find(objects, 'ScaledObject', 'media-worker')!;
      const spec = scaled.spec as any;
      expect(spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'media-worker' });
      expect([spec.minReplicaCount, spec.maxReplicaCount]).toEqual(name === 'production' ? [1, 10] : [1, 2]);
      expect(spec.triggers.map((t: { type: string; metadata: { listName: string } }) => [t.type, t.metadata.listName])).toEqual(queues.map((queue) => ['redis', `${config.REDIS_PREFIX}:${queue}:wait`]));
      expect(new Set(spec.triggers.map((t: { authenticationRef: { name: string } }) => t.authenticationRef.name)).size).toBe(1);
      const auth = find(objects, 'TriggerAuthentication', spec.triggers[0].authenticationRef.name)!;
      for (const ref of (auth.spec as any).secretTargetRef) {
        expect(ref.name).toBe('wavegraph-secrets');
        expect(Object.keys((secret.data ?? {}) as object)).toContain(ref.key);
      }
      expect(find(objects, 'HorizontalPodAutoscaler', 'media-worker')).toBeUndefined();
      expect((find(objects, 'Deployment', 'media-worker')!.spec as any).replicas).toBeUndefined();
    });

    it.each(processes.map((p) => [p.name, p] as const))('keeps %s available through voluntary disruptions', (_n, p) => {
      const pdb = find(objects, 'PodDisruptionBudget', p.name)!;
      expect((pdb.spec as any).maxUnavailable).toBe(1);
      expect((pdb.spec as any).selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': p.name } });
    });

    it('lets traffic reach a subgraph from the gateway only (catalog and media also from the ingest worker), the gateway from anyone, a worker from no one', () => {
      const pods = objects
        .filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')
        .map((o) => ({ name: o.metadata.name, labels: (o.spec as any).template.metadata.labels as Record<string, string> }));
      const selects = (selector: any, labels: Record<string, string>) =>
        Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
        (selector?.matchExpressions ?? []).every((e: any) => (e.operator === 'In' ? e.values.includes(labels[e.key]) : false));
      const policies = objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.spec as any);
      // NetworkPolicy semantics: once a policy selects a pod, only what some rule of one allows gets in
      const allowedFrom = (target: Record<string, string>, source: Record<string, string> | 'outside') =>
        policies
          .filter((policy) => selects(policy.podSelector, target))
          .some((policy) =>
            (policy.ingress ?? []).some((rule: any) => !rule.from || rule.from.some((peer: any) => source !== 'outside' && peer.podSelector && !peer.namespaceSelector && selects(peer.podSelector, source))),
          );
      expect(policies.some((policy) => Object.keys(policy.podSelector).length === 0 && policy.policyTypes.includes('Ingress') && !policy.ingress)).toBe(true);
      // the ingest worker imports feeds through catalog's and media's own APIs, signed like the gateway
      const alsoFrom: Record<string, string[]> = { catalog: ['ingest-worker'], media: ['ingest-worker'] };
      for (const p of processes) {
        const target = pods.find((pod) => pod.name === p.name)!.labels;
        const sources = pods.filter((pod) => allowedFrom(target, pod.labels)).map((pod) => pod.name);
        if (p.kind === 'subgraph') expect(sources.sort()).toEqual(['gateway', ...(alsoFrom[p.name] ?? [])].sort());
        if (p.kind === 'worker') expect(sources).toEqual([]);
        expect(allowedFrom(target, 'outside')).toBe(p.kind === 'gateway');
      }
    });

    it('generates wavegraph-secrets from secrets.env alone, which is never committed', () => {
      expect(() => kustomizeBuild(overlay(name))).toThrow(/secrets\.env: no such file/);
      expect(secret.type).toBe('Opaque');
      const example = secretsFor(name)
        .split('\n')
        .filter((l) => /^[A-Z0-9_]+=/.test(l))
        .map((l) => l.split('=')[0]);
      expect(Object.keys((secret.data ?? {}) as object).sort()).toEqual(example.sort());
      expect(execFileSync('git', ['check-ignore', `deploy/k8s/overlays/${name}/secrets.env`], { cwd: root, encoding: 'utf8' }).trim()).toBe(`deploy/k8s/overlays/${name}/secrets.env`);
      // nothing secret in the ConfigMap
      expect(Object.keys(config).filter((k) => /SECRET|PASSWORD|DATABASE_URL|REDIS_URL/.test(k))).toEqual([]);
    });
  });

  it('runs Postgres and Redis (append-only) with persistent volumes in the local overlay', () => {
    for (const store of ['postgres', 'redis']) {
      const set = find(rendered.local, 'StatefulSet', store)!;
      expect((set.spec as any).volumeClaimTemplates[0].spec.accessModes).toEqual(['ReadWriteOnce']);
    }
    expect(container(find(rendered.local, 'StatefulSet', 'redis')!).command.join(' ')).toMatch(/--appendonly yes/);
    for (const name of ['media', 'media-worker']) {
      const deployment = find(rendered.local, 'Deployment', name)!;
      expect(container(deployment).volumeMounts).toContainEqual({ name: 'media', mountPath: '/app/var/media' });
      expect(podSpec(deployment).volumes).toContainEqual({ name: 'media', persistentVolumeClaim: { claimName: 'media-data' } });
    }
  });
});

import { startMetricsServer, type MetricsServer, type Registry } from '@wavegraph/metrics';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus' text format, as far as these tests read it: one sample per line, comments skipped. */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of the samples of `name` whose labels include `labels` (0 when there are none). */
export function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value))
    .reduce((sum, s) => sum + s.value, 0);
}

export function has(samples: Sample[], name: string, labels: Record<string, string> = {}): boolean {
  return samples.some((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value));
}

/** Serves each registry on a metrics port of its own, as every process does, and scrapes them all over HTTP. */
export async function metricsEndpoints<K extends string>(registries: Record<K, Registry>): Promise<{ scrape(): Promise<Record<K, Sample[]>>; close(): Promise<void> }> {
  const servers = {} as Record<K, MetricsServer>;
  for (const name of Object.keys(registries) as K[]) servers[name] = await startMetricsServer(registries[name], 0);
  return {
    scrape: async () => {
      const entries = await Promise.all(
        (Object.keys(servers) as K[]).map(async (name) => {
          const response = await fetch(servers[name].url);
          if (response.status !== 200) throw new Error(`${name}: /metrics answered ${response.status}`);
          return [name, parseExposition(await response.text())] as const;
        }),
      );
      return Object.fromEntries(entries) as Record<K, Sample[]>;
    },
    close: async () => {
      await Promise.all(Object.values<MetricsServer>(servers).map((server) => server.close()));
    },
  };
}

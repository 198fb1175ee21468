import { Gauge, type Registry } from 'prom-client';

export interface GaugeDefinition {
  name: string;
  help: string;
  labelNames: readonly string[];
}

/** What one source reports at a scrape: a label set and the value of each gauge it knows. */
export interface ScrapedSample<K extends string> {
  labels: Record<string, string>;
  values: Partial<Record<K, number>>;
}

export type ScrapeSource<K extends string> = () => Promise<ScrapedSample<K>[]>;

const families = new WeakMap<Registry, Map<string, unknown>>();

/**
 * Gauges read from their sources when Prometheus scrapes (an outbox count, XINFO GROUPS, a
 * queue's job counts) instead of being kept up to date on every change. One scrape asks each
 * source once for all the gauges it feeds; a source that fails or does not answer within its
 * timeout reports nothing, so its series vanish rather than show a stale value.
 */
export class ScrapedGauges<K extends string> {
  private readonly gauges: Record<K, Gauge<string>>;
  private readonly sources = new Set<ScrapeSource<K>>();
  private snapshot: { at: number; samples: Promise<ScrapedSample<K>[]> } | undefined;

  private constructor(registry: Registry, definitions: Record<K, GaugeDefinition>, private readonly timeoutMs: number) {
    const keys = Object.keys(definitions) as K[];
    this.gauges = {} as Record<K, Gauge<string>>;
    for (const key of keys) {
      const gauges = this.gauges;
      const samplesOf = () => this.samples();
      this.gauges[key] = new Gauge({
        ...definitions[key],
        labelNames: [...definitions[key].labelNames],
        registers: [registry],
        async collect() {
          const samples = await samplesOf();
          gauges[key].reset();
          for (const sample of samples) {
            const value = sample.values[key];
            if (value !== undefined && Number.isFinite(value)) this.set(sample.labels, value);
          }
        },
      });
    }
  }

  /** The family registered under `id` on this registry, made on first use. */
  static of<K extends string>(registry: Registry, id: string, definitions: Record<K, GaugeDefinition>, timeoutMs = 1_000): ScrapedGauges<K> {
    let byId = families.get(registry);
    if (!byId) families.set(registry, (byId = new Map()));
    const existing = byId.get(id) as ScrapedGauges<K> | undefined;
    if (existing) return existing;
    const made = new ScrapedGauges(registry, definitions, timeoutMs);
    byId.set(id, made);
    return made;
  }

  /** Adds a source; the function returned removes it (when its component stops). */
  watch(source: ScrapeSource<K>): () => void {
    this.sources.add(source);
    this.snapshot = undefined;
    return () => {
      this.sources.delete(source);
      this.snapshot = undefined;
    };
  }

  private samples(): Promise<ScrapedSample<K>[]> {
    // the gauges of one scrape are collected one after another: they share one reading
    const now = Date.now();
    if (this.snapshot && now - this.snapshot.at < 500) return this.snapshot.samples;
    const samples = Promise.all([...this.sources].map((source) => readWithin(source, this.timeoutMs))).then((lists) => lists.flat());
    this.snapshot = { at: now, samples };
    return samples;
  }
}

async function readWithin<K extends string>(source: ScrapeSource<K>, ms: number): Promise<ScrapedSample<K>[]> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([source(), new Promise<ScrapedSample<K>[]>((resolve) => (timer = setTimeout(() => resolve([]), ms)))]);
  } catch {
    return [];
  } finally {
    clearTimeout(timer);
  }
}

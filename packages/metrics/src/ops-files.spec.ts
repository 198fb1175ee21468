import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { everySeriesName } from './catalogue';
import { DEFAULT_METRICS_PORT_OFFSET } from './config';

/*
 * The dashboards and alert rules in ops/ name metrics by string; nothing else would notice a
 * renamed or removed metric. This reads every PromQL expression in them and checks each metric
 * it names is one a Wavegraph process registers. promtool is not installed on these machines,
 * so the rule files are checked against the structure Prometheus documents for them instead.
 */
const OPS = path.resolve(__dirname, '../../../ops');
const read = (relative: string) => readFileSync(path.join(OPS, relative), 'utf8');

/** PromQL's functions, aggregations and keywords: identifiers in an expression that are not metric names. */
const PROMQL_WORDS = new Set([
  'sum', 'min', 'max', 'avg', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group',
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool',
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'histogram_quantile', 'abs', 'absent', 'clamp_min', 'clamp_max',
  'avg_over_time', 'max_over_time', 'min_over_time', 'sum_over_time', 'count_over_time', 'time', 'vector', 'scalar',
  'label_replace', 'label_join', 'round', 'ceil', 'floor', 'changes', 'resets', 'predict_linear', 'timestamp',
]);
/** Series Prometheus itself adds to every target. */
const PROMETHEUS_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);

/** The metric names an expression reads. */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // label values
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // ranges
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '') // label lists
    .replace(/\b\d+(\.\d+)?(e[+-]?\d+)?\b/gi, '');
  return [...stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0]).filter((word) => !PROMQL_WORDS.has(word));
}

const ruleSchema = z.object({
  alert: z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/),
  expr: z.string().min(1),
  for: z.string().regex(/^\d+[smhd]$/).optional(),
  labels: z.record(z.string(), z.string()).refine((labels) => ['page', 'warning', 'info'].includes(labels.severity ?? ''), 'severity: page, warning or info'),
  annotations: z.object({ summary: z.string().min(1) }).catchall(z.string()),
}).strict();
const rulesFileSchema = z.object({ groups: z.array(z.object({ name: z.string().min(1), rules: z.array(ruleSchema).min(1) }).strict()).min(1) }).strict();

interface Panel {
  title: string;
  targets?: { expr: string }[];
  panels?: Panel[];
}

describe('ops: dashboards and alert rules', () => {
  let known: Set<string>;
  beforeAll(async () => {
    known = await everySeriesName();
  });

  it('knows the names of what the code registers (the check below compares against this)', () => {
    for (const name of ['wavegraph_graphql_request_duration_seconds_bucket', 'wavegraph_consumer_lag', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_gc_duration_seconds_sum']) {
      expect(known).toContain(name);
    }
    expect(metricNamesIn('histogram_quantile(0.99, sum by (le, operation) (rate(wavegraph_x_bucket{service="gateway", code!~"A|B"}[5m]))) > 1')).toEqual(['wavegraph_x_bucket']);
    expect(metricNamesIn('max by (group) (wavegraph_consumer_lag) / on (group) wavegraph_dead_letters')).toEqual(['wavegraph_consumer_lag', 'wavegraph_dead_letters']);
  });

  const dashboards = readdirSync(path.join(OPS, 'grafana/dashboards')).filter((file) => file.endsWith('.json'));

  it('has the overview, gateway, events and media dashboards, each with a unique uid', () => {
    expect(dashboards.sort()).toEqual(['events.json', 'gateway.json', 'media.json', 'overview.json']);
    const uids = dashboards.map((file) => (JSON.parse(read(`grafana/dashboards/${file}`)) as { uid: string }).uid);
    expect(new Set(uids).size).toBe(dashboards.length);
  });

  it.each(dashboards)('%s reads only metrics the code registers', (file) => {
    const dashboard = JSON.parse(read(`grafana/dashboards/${file}`)) as { panels: Panel[] };
    const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
    expect(panels.length).toBeGreaterThan(0);
    for (const panel of panels) {
      expect(panel.targets?.length).toBeGreaterThan(0);
      for (const { expr } of panel.targets ?? []) {
        const names = metricNamesIn(expr);
        expect({ panel: panel.title, names }).toEqual({ panel: panel.title, names: expect.arrayContaining([expect.any(String)]) });
        expect({ panel: panel.title, unknown: names.filter((name) => !known.has(name) && !PROMETHEUS_SERIES.has(name)) }).toEqual({ panel: panel.title, unknown: [] });
      }
    }
  });

  it('has alert rules in the structure Prometheus reads, for error rate, p99, consumer lag, dead letters, outbox age, failed jobs and the analytics queue', () => {
    const rules = rulesFileSchema.parse(parse(read('prometheus/alerts.yml'))).groups.flatMap((group) => group.rules);
    const names = rules.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
    const reading = (metric: string) => rules.filter((rule) => metricNamesIn(rule.expr).includes(metric)).map((rule) => rule.alert);
    expect(reading('wavegraph_graphql_errors_total')).toContain('WavegraphHighErrorRate');
    expect(reading('wavegraph_graphql_request_duration_seconds_bucket')).toContain('WavegraphHighLatencyP99');
    expect(reading('wavegraph_consumer_lag')).toContain('WavegraphConsumerLag');
    expect(reading('wavegraph_dead_letters')).toContain('WavegraphDeadLetters');
    expect(reading('wavegraph_outbox_oldest_unsent_age_seconds')).toContain('WavegraphOutboxStuck');
    expect(reading('wavegraph_jobs_failed_total')).toContain('WavegraphFailedJobs');
    expect(reading('wavegraph_analytics_pending_oldest_age_seconds')).toContain('WavegraphAnalyticsQueueStuck');
    expect(reading('wavegraph_analytics_pending_rows')).toContain('WavegraphAnalyticsQueueGrowing');
    for (const rule of rules) {
      expect({ alert: rule.alert, unknown: metricNamesIn(rule.expr).filter((name) => !known.has(name) && !PROMETHEUS_SERIES.has(name)) }).toEqual({ alert: rule.alert, unknown: [] });
    }
  });

  it('scrapes every process of scripts/services.json on its metrics port and loads the rules', () => {
    const config = parse(read('prometheus/prometheus.yml')) as { rule_files: string[]; scrape_configs: { static_configs: { targets: string[] }[] }[] };
    const services = JSON.parse(readFileSync(path.resolve(OPS, '../scripts/services.json'), 'utf8')) as {
      subgraphs: { name: string; port: number }[];
      workers: { name: string; port: number }[];
      gateway: { name: string; port: number };
    };
    const expected = [services.gateway, ...services.subgraphs, ...services.workers].map((s) => `${s.name}:${s.port + DEFAULT_METRICS_PORT_OFFSET}`);
    const targets = config.scrape_configs.flatMap((job) => job.static_configs.flatMap((s) => s.targets));
    expect(targets.sort()).toEqual(expected.sort());
    expect(config.rule_files.map((file) => path.basename(file))).toEqual(['alerts.yml']);
  });
});

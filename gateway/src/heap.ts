import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived its last full collection before it
 * collects again, in percent (GATEWAY_HEAP_GROWING_PERCENT). V8's own rule (0 here) grows it by
 * up to 4x when collections are cheap next to the work between them, which is what a gateway under
 * load looks like: request data in flight for a few ms is promoted and then lingers as garbage, so
 * at the federation bench's synthetic shape the old generation reached 150 MB around 40 MB live.
 * 100 (a fixed 2x) kept resident memory a quarter lower at the same CPU per request in that bench;
 * 50 lowered it further and cost CPU. V8 reads the flag at each collection, so setting it at
 * startup takes effect without a command-line flag (V8 accepts it only on the command line, never
 * in NODE_OPTIONS).
 */
export function applyHeapGrowing(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${Math.round(percent)}`);
}

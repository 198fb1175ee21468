import { CreateIngest1766700000000 } from './1766700000000-CreateIngest';
import { ItemExtras1766810000000 } from './1766810000000-ItemExtras';

/** In order; the subgraph and the worker both run them (whichever starts first). */
export const INGEST_MIGRATIONS = [CreateIngest1766700000000, ItemExtras1766810000000];

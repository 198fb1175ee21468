import path from 'node:path';
import { describeWorkerHealth } from '@wavegraph/testkit';

describeWorkerHealth({ context: 'catalog', service: 'catalog-worker', entry: path.resolve(__dirname, '..', 'dist', 'worker.js'), portVariable: 'CATALOG_WORKER_PORT' });

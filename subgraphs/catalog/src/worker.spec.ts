import path from 'node:path';
import { describeWorkerHealth } from '@wavegraph/testkit';
import { catalogModule } from './catalog.module';

describeWorkerHealth({
  context: 'catalog',
  service: 'catalog-worker',
  entry: path.resolve(__dirname, '..', 'dist', 'worker.js'),
  portVariable: 'CATALOG_WORKER_PORT',
  migrations: catalogModule.migrations,
});

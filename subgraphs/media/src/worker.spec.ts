import path from 'node:path';
import { describeWorkerHealth } from '@wavegraph/testkit';
import { createMediaModule } from './media.module';

describeWorkerHealth({
  context: 'media',
  service: 'media-worker',
  entry: path.resolve(__dirname, '..', 'dist', 'worker.js'),
  portVariable: 'MEDIA_WORKER_PORT',
  migrations: createMediaModule().migrations,
});

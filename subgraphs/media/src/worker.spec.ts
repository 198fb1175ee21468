import path from 'node:path';
import { describeWorkerHealth } from '@wavegraph/testkit';

describeWorkerHealth({ context: 'media', service: 'media-worker', entry: path.resolve(__dirname, '..', 'dist', 'worker.js'), portVariable: 'MEDIA_WORKER_PORT' });

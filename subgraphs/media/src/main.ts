// first: tracing instruments http, pg, ioredis and the rest as they load (see @wavegraph/telemetry)
import { startTelemetry } from '@wavegraph/telemetry';
startTelemetry('media');
import 'reflect-metadata';
import { runSubgraph } from '@wavegraph/kit';
import { mediaModule } from './media.module';

void runSubgraph(mediaModule, 4005);

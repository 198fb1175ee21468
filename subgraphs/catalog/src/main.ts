// first: tracing instruments http, pg, ioredis and the rest as they load (see @wavegraph/telemetry)
import { startTelemetry } from '@wavegraph/telemetry';
startTelemetry('catalog');
import 'reflect-metadata';
import { runSubgraph } from '@wavegraph/kit';
import { catalogModule } from './catalog.module';

void runSubgraph(catalogModule, 4002);

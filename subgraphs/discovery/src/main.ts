// first: tracing instruments http, pg, ioredis and the rest as they load (see @wavegraph/telemetry)
import { startTelemetry } from '@wavegraph/telemetry';
startTelemetry('discovery');
import 'reflect-metadata';
import { runSubgraph } from '@wavegraph/kit';
import { discoveryModule } from './discovery.module';

void runSubgraph(discoveryModule, 4004);

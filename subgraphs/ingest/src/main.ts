// first: tracing instruments http, pg, ioredis and the rest as they load (see @wavegraph/telemetry)
import { startTelemetry } from '@wavegraph/telemetry';
startTelemetry('ingest');
import 'reflect-metadata';
import { runSubgraph } from '@wavegraph/kit';
import { ingestModule } from './ingest.module';

void runSubgraph(ingestModule, 4007);

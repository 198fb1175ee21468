// first: tracing instruments http, pg, ioredis and the rest as they load (see @wavegraph/telemetry)
import { startTelemetry } from '@wavegraph/telemetry';
startTelemetry('engagement');
import 'reflect-metadata';
import { runSubgraph } from '@wavegraph/kit';
import { engagementModule } from './engagement.module';

void runSubgraph(engagementModule, 4003);

// first: tracing instruments http, pg and the rest as they load (see @wavegraph/telemetry)
import { startTelemetry } from '@wavegraph/telemetry';
startTelemetry('analytics');
import 'reflect-metadata';
import { runSubgraph } from '@wavegraph/kit';
import { analyticsModule } from './analytics.module';

void runSubgraph(analyticsModule, 4008);

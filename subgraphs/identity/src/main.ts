// first: tracing instruments http, pg, ioredis and the rest as they load (see @wavegraph/telemetry)
import { startTelemetry } from '@wavegraph/telemetry';
startTelemetry('identity');
import 'reflect-metadata';
import { runSubgraph } from '@wavegraph/kit';
import { identityModule } from './index';

void runSubgraph(identityModule, 4001);

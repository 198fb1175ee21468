// first: tracing instruments http, pg and the rest as they load (see @wavegraph/telemetry)
import { startTelemetry } from '@wavegraph/telemetry';
startTelemetry('billing');
import 'reflect-metadata';
import { runSubgraph } from '@wavegraph/kit';
import { billingModule } from './billing.module';

void runSubgraph(billingModule, 4009);

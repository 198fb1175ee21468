// first: tracing instruments http, pg, ioredis and the rest as they load (see @wavegraph/telemetry)
import { startTelemetry } from '@wavegraph/telemetry';
startTelemetry('notifications');
import 'reflect-metadata';
import { runSubgraph } from '@wavegraph/kit';
import { notificationsModule } from './notifications.module';

void runSubgraph(notificationsModule, 4006);

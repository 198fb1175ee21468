import 'reflect-metadata';
import { runSubgraph } from '@wavegraph/kit';
import { notificationsModule } from './notifications.module';

void runSubgraph(notificationsModule, 4006);

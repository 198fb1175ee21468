import 'reflect-metadata';
import { runSubgraph } from '@wavegraph/kit';
import { engagementModule } from './engagement.module';

void runSubgraph(engagementModule, 4003);

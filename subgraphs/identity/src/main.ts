import 'reflect-metadata';
import { runSubgraph } from '@wavegraph/kit';
import { identityModule } from './index';

void runSubgraph(identityModule, 4001);

import 'reflect-metadata';
import { runSubgraph } from '@wavegraph/kit';
import { discoveryModule } from './discovery.module';

void runSubgraph(discoveryModule, 4004);

import 'reflect-metadata';
import { runSubgraph } from '@wavegraph/kit';
import { catalogModule } from './catalog.module';

void runSubgraph(catalogModule, 4002);

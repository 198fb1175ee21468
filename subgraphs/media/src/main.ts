import 'reflect-metadata';
import { runSubgraph } from '@wavegraph/kit';
import { mediaModule } from './media.module';

void runSubgraph(mediaModule, 4005);

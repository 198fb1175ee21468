export * from './database';
export * from './redis';
export * from './subgraph-client';
export * from './subgraph';
export * from './private-redis';
export * from './eventually';
export * from './ports';

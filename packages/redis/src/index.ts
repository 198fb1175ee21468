export * from './connect';
export * from './connections';
export * from './errors';
export * from './pubsub';
export * from './unavailable';
export * from './ready';

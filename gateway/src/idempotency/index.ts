export * from './key';
export * from './store';
export * from './plugin';

export * from './viewer';
export * from './envelope';

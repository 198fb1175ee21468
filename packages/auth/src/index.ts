export * from './viewer';
export * from './envelope';
export * from './roles';
export * from './secrets';
export * from './revocation';
export * from './operation-envelope';
export * from './input-errors';

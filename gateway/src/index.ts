export * from './config';
export * from './context';
export * from './server';
export { createTokenVerifier, type TokenVerifier } from './auth';

import { DEV_SECRETS, isLoopback, secretFromEnv } from './secrets';

const real = 'f'.repeat(64);

describe('secretFromEnv', () => {
  it('gives the development value only to an explicit local run', () => {
    expect(secretFromEnv('WAVEGRAPH_GATEWAY_SECRET', { NODE_ENV: 'development' })).toBe(DEV_SECRETS.WAVEGRAPH_GATEWAY_SECRET);
    expect(secretFromEnv('MEDIA_SIGNING_SECRET', { NODE_ENV: 'test', HOST: '::1' })).toBe(DEV_SECRETS.MEDIA_SIGNING_SECRET);
  });

  it.each([
    ['NODE_ENV unset', {}],
    ['production', { NODE_ENV: 'production' }],
    ['development on every interface', { NODE_ENV: 'development', HOST: '0.0.0.0' }],
    ['development on a private address', { NODE_ENV: 'development', HOST: '10.0.0.5' }],
  ])('refuses to run without a secret: %s', (_case, env) => {
    expect(() => secretFromEnv('WAVEGRAPH_GATEWAY_SECRET', env)).toThrow(/WAVEGRAPH_GATEWAY_SECRET must be set/);
  });

  it('refuses a published or short secret outside a local run', () => {
    for (const published of Object.values(DEV_SECRETS)) {
      expect(() => secretFromEnv('WAVEGRAPH_GATEWAY_SECRET', { NODE_ENV: 'production', WAVEGRAPH_GATEWAY_SECRET: published })).toThrow(/published/);
      expect(() => secretFromEnv('MEDIA_SIGNING_SECRET', { NODE_ENV: 'development', HOST: '0.0.0.0', MEDIA_SIGNING_SECRET: published })).toThrow(/published/);
    }
    expect(() => secretFromEnv('WAVEGRAPH_GATEWAY_SECRET', { NODE_ENV: 'production', WAVEGRAPH_GATEWAY_SECRET: 'short' })).toThrow(/at least 32/);
  });

  it('takes a real secret anywhere', () => {
    expect(secretFromEnv('WAVEGRAPH_GATEWAY_SECRET', { NODE_ENV: 'production', HOST: '0.0.0.0', WAVEGRAPH_GATEWAY_SECRET: real })).toBe(real);
    expect(secretFromEnv('WAVEGRAPH_GATEWAY_SECRET', { NODE_ENV: 'development', WAVEGRAPH_GATEWAY_SECRET: real })).toBe(real);
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.1.2', 'example.com', '128.0.0.1'].some(isLoopback)).toBe(false);
  });
});

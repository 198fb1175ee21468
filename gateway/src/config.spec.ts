import { configFromEnv } from './config';

/** configFromEnv under a temporary environment (the keys given; undefined removes one). */
function withEnv<T>(vars: Record<string, string | undefined>, read: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(vars);
  try {
    return read();
  } finally {
    apply(saved);
  }
}

describe('gateway configuration: the IDE, CORS and CSRF defaults', () => {
  const clean = { NODE_ENV: 'development', GATEWAY_IDE: undefined, CORS_ORIGINS: undefined, GATEWAY_CSRF_PREVENTION: undefined };

  it('in development: GraphiQL, the usual dev servers allowed, no CSRF check (bearer tokens only)', () => {
    const config = withEnv(clean, configFromEnv);
    expect(config.ide).toBe('graphiql');
    expect(config.csrfPrevention).toBe(false);
    expect(config.corsOrigins).toEqual(
      expect.arrayContaining(['https://studio.apollographql.com', 'http://localhost:3000', 'http://localhost:5173', 'http://127.0.0.1:5173', 'http://localhost:4173']),
    );
  });

  it('in production: no IDE and no origin unless configured', () => {
    const config = withEnv({ ...clean, NODE_ENV: 'production', WAVEGRAPH_GATEWAY_SECRET: 'a-production-secret-of-enough-length-0123456789abcdef' }, configFromEnv);
    expect(config.ide).toBe('off');
    expect(config.corsOrigins).toEqual([]);
  });

  it('takes the IDE and CSRF check from the environment, and refuses an unknown IDE', () => {
    expect(withEnv({ ...clean, GATEWAY_IDE: 'sandbox', GATEWAY_CSRF_PREVENTION: 'on' }, configFromEnv)).toMatchObject({ ide: 'sandbox', csrfPrevention: true });
    expect(() => withEnv({ ...clean, GATEWAY_IDE: 'playground' }, configFromEnv)).toThrow('GATEWAY_IDE must be graphiql, sandbox or off');
  });
});

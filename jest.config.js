/** One Jest run for the whole workspace: unit and integration specs beside the code, scenarios in e2e/. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

module.exports = {
  testEnvironment: 'node',
  // jose, @tus/* and srvx ship ESM only; compile them like our own sources
  transform: { '^.+\\.ts$': swc, '/(jose|@tus/[^/]+|srvx)/dist/.+\\.m?js$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/[^/]+/node_modules/)?(jose|@tus|srvx)/)'],
  moduleNameMapper: {
    '^@wavegraph/(auth|streams|redis|telemetry|metrics|kit|events|testkit)$': '<rootDir>/packages/$1/src',
    '^@wavegraph/(identity|catalog|engagement|discovery|media|notifications|ingest|analytics|billing)$': '<rootDir>/subgraphs/$1/src',
    '^@wavegraph/billing/testing$': '<rootDir>/subgraphs/billing/src/testing',
    '^@wavegraph/gateway$': '<rootDir>/gateway/src',
    '^@wavegraph/client$': '<rootDir>/clients/typescript/src',
    '^@wavegraph/client/(documents|ws)$': '<rootDir>/clients/typescript/src/$1',
  },
  testMatch: ['<rootDir>/{packages,subgraphs,gateway,clients}/**/src/**/*.spec.ts', '<rootDir>/e2e/**/*.e2e.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: '<rootDir>/scripts/jest-global-setup.ts',
  globalTeardown: '<rootDir>/scripts/jest-global-teardown.ts',
  // a hook starting a whole supergraph takes seconds, and several times that on a loaded 2-core CI machine
  testTimeout: 60000,
  maxWorkers: 2,
};

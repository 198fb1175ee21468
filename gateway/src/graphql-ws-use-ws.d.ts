// graphql-ws publishes its `ws` adapter only through package "exports", which our
// moduleResolution "node" does not read; point the types at the file Node resolves at runtime.
declare module 'graphql-ws/use/ws' {
  export * from 'graphql-ws/dist/use/ws';
}

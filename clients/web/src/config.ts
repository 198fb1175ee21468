declare global {
  interface Window {
    /** Written by serve.mjs as /config.js, so one build serves any gateway. */
    WAVEGRAPH_CONFIG?: { gatewayUrl?: string };
  }
}

/** The gateway's GraphQL endpoint (HTTP and graphql-ws share it): /config.js, else VITE_GATEWAY_URL, else the local default. */
export const GATEWAY_URL: string =
  window.WAVEGRAPH_CONFIG?.gatewayUrl ?? (import.meta.env.VITE_GATEWAY_URL as string | undefined) ?? 'http://localhost:4000/graphql';

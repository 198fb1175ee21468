// Stands in for the /config.js that serve.mjs writes (the gateway's URL): under Vite's dev server or
// another static server the app falls back to VITE_GATEWAY_URL, then http://localhost:4000/graphql.
window.WAVEGRAPH_CONFIG = window.WAVEGRAPH_CONFIG || {};

/**
 * GraphiQL's page: the explorer plugin, queries and mutations over HTTP, subscriptions over
 * graphql-ws on the same path. The Authorization header typed into the headers editor goes with
 * both (in connectionParams for the socket, which reconnects when it changes). Everything it
 * loads comes from /graphql/ide/ (ide.assets.ts): it works without the internet.
 */
export function idePage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Wavegraph · GraphiQL</title>
<link rel="stylesheet" href="/graphql/ide/graphiql.css">
<link rel="stylesheet" href="/graphql/ide/explorer.css">
<style>
  html, body { height: 100%; margin: 0; }
  body { display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
  header { display: flex; gap: 1rem; align-items: center; padding: 0.4rem 1rem; font-size: 0.85rem; border-bottom: 1px solid #ddd; }
  header strong { font-size: 0.95rem; }
  header a { margin-left: auto; }
  #graphiql { flex: 1; min-height: 0; }
</style>
</head>
<body>
<header><strong>Wavegraph</strong><span>Sign in with the <code>signIn</code> mutation, then put <code>{"Authorization": "Bearer &lt;accessToken&gt;"}</code> in Headers.</span><a id="sandbox" rel="noopener">Open in Apollo Sandbox (online)</a></header>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphql/ide/react.js"></script>
<script src="/graphql/ide/react-dom.js"></script>
<script src="/graphql/ide/graphiql.js"></script>
<script src="/graphql/ide/explorer.js"></script>
<script src="/graphql/ide/graphql-ws.js"></script>
<script>
  const httpUrl = location.origin + '/graphql';
  const wsUrl = httpUrl.replace(/^http/, 'ws');
  document.getElementById('sandbox').href = 'https://studio.apollographql.com/sandbox/explorer?endpoint=' + encodeURIComponent(httpUrl);
  let socket = null;
  let socketAuth;
  function socketFor(authorization) {
    if (!socket || socketAuth !== authorization) {
      if (socket) socket.dispose();
      socketAuth = authorization;
      socket = graphqlWs.createClient({ url: wsUrl, lazy: true, connectionParams: authorization ? { authorization } : {} });
    }
    return socket;
  }
  function authorizationOf(headers) {
    for (const [name, value] of Object.entries(headers || {})) if (name.toLowerCase() === 'authorization') return String(value);
    return undefined;
  }
  function fetcher(params, options) {
    const wsClient = socketFor(authorizationOf(options && options.headers));
    return GraphiQL.createFetcher({ url: httpUrl, wsClient })(params, options);
  }
  const explorer = GraphiQLPluginExplorer.explorerPlugin();
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, { fetcher, plugins: [explorer], defaultEditorToolsVisibility: true, shouldPersistHeaders: true }),
  );
</script>
</body>
</html>`;
}

/**
 * The browser files of the offline IDE, served from the installed packages (no CDN): React and
 * ReactDOM (UMD), GraphiQL's bundle and stylesheet, the explorer plugin and graphql-ws's client.
 * Only these names are served; anything else below /graphql/ide/ is 404.
 */
export const IDE_ASSETS: Readonly<Record<string, { file: string; type: string }>> = {
  'react.js': { file: packageFile('react', 'umd/react.production.min.js'), type: 'text/javascript' },
  'react-dom.js': { file: packageFile('react-dom', 'umd/react-dom.production.min.js'), type: 'text/javascript' },
  'graphiql.js': { file: packageFile('graphiql', 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.css': { file: packageFile('graphiql', 'graphiql.min.css'), type: 'text/css' },
  'explorer.js': { file: packageFile('@graphiql/plugin-explorer', 'dist/index.umd.js'), type: 'text/javascript' },
  'explorer.css': { file: packageFile('@graphiql/plugin-explorer', 'dist/style.css'), type: 'text/css' },
  'graphql-ws.js': { file: packageFile('graphql-ws', 'umd/graphql-ws.min.js'), type: 'text/javascript' },
};

/** A file of an installed package, found from its entry point (`exports` hides the UMD files from require.resolve). */
function packageFile(name: string, relative: string): string {
  const main = require.resolve(name);
  const root = main.slice(0, main.lastIndexOf(`/node_modules/${name}/`) + `/node_modules/${name}/`.length);
  return root + relative;
}

import { eventually } from '@wavegraph/testkit';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';
import { creatorWithEpisode, signUp, type CreatorWithEpisode, type SignedUp } from './support/users';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/*
 * The offline IDE: a browser opening the gateway's /graphql gets GraphiQL, every file of it from
 * the gateway itself (nothing from the internet), runs queries with the Authorization header of
 * its headers editor, and follows subscriptions over graphql-ws with the same header.
 */
describe('GraphiQL at /graphql, offline', () => {
  let supergraph: TestSupergraph;
  let browser: Browser;
  let creator: CreatorWithEpisode;
  let listener: SignedUp;

  beforeAll(async () => {
    supergraph = await startTestSupergraph();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    creator = await creatorWithEpisode(supergraph, 'grapher', { slug: 'graphed', title: 'Graphed', category: 'TECHNOLOGY' }, 'In the IDE');
    listener = await signUp(supergraph, 'replier');
  });
  afterAll(async () => {
    await browser?.close();
    await supergraph?.stop();
  });

  /** A page with GraphiQL loaded, the headers editor holding `headers`; every request it made is in `requested`. */
  async function openIde(headers: Record<string, string>): Promise<{ page: Page; requested: string[] }> {
    const context = await browser.newContext();
    const requested: string[] = [];
    context.on('request', (request) => requested.push(request.url()));
    // GraphiQL keeps the headers editor in localStorage (shouldPersistHeaders)
    await context.addInitScript({ content: `localStorage.setItem('graphiql:headers', ${JSON.stringify(JSON.stringify(headers))})` });
    const page = await context.newPage();
    const res = await page.goto(`${supergraph.origin}/graphql`);
    expect(res?.status()).toBe(200);
    await page.waitForSelector('.graphiql-query-editor .CodeMirror', { timeout: 30_000 });
    return { page, requested };
  }

  const run = async (page: Page, operation: string) => {
    // the page's own CodeMirror instance (browser code, as a string: these specs have no DOM types)
    await page.evaluate(`document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(${JSON.stringify(operation)})`);
    // GraphiQL parses the editor's text after a short debounce; a person clicks Run later than that
    await page.waitForTimeout(500);
    await page.click('.graphiql-execute-button');
  };
  const response = (page: Page): Promise<string> =>
    page.evaluate(`document.querySelector('.result-window .CodeMirror')?.CodeMirror.getValue() ?? ''`);

  it('serves GraphiQL from the gateway alone and runs a query as the signed-in viewer', async () => {
    const { page, requested } = await openIde({ Authorization: `Bearer ${creator.token}` });
    await run(page, '{ me { handle } }');
    const answer = await eventually(async () => {
      const text = await response(page);
      return text.includes('handle') && JSON.parse(text);
    }, 20_000);
    expect(answer).toEqual({ data: { me: { handle: 'grapher' } } });
    // the explorer plugin is there, and nothing was fetched from anywhere but the gateway
    expect(await page.locator('[aria-label="Show GraphiQL Explorer"]').count()).toBe(1);
    expect(requested.length).toBeGreaterThan(5);
    expect(requested.filter((url) => !url.startsWith(supergraph.origin) && !url.startsWith('data:'))).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('follows a subscription over graphql-ws with the Authorization of the headers editor', async () => {
    const { page } = await openIde({ Authorization: `Bearer ${creator.token}` });
    const { postComment: mine } = await creator.client.PostComment({ episodeId: creator.episodeId, body: 'Ask me anything' });
    await run(page, 'subscription { notificationAdded { kind message } }');
    // the gateway holds it upstream for the creator: the socket carried the header's token
    await eventually(async () => supergraph.notifications.pubSub.listeners(`NOTIFICATION_ADDED:${creator.userId}`) === 1, 20_000);
    // a reply to the creator's comment notifies the creator: it shows up in the page, live
    await listener.client.PostComment({ episodeId: creator.episodeId, body: 'Why GraphQL?', parentId: mine.id });
    const text = await eventually(async () => {
      const now = await response(page);
      return now.includes('COMMENT_REPLY') && now;
    }, 30_000);
    expect(JSON.parse(text)).toEqual({ data: { notificationAdded: { kind: 'COMMENT_REPLY', message: 'New reply to your comment' } } });
    await page.context().close();
  }, 90_000);

  it('answers GraphQL GETs (from a Vite dev server too) and JSON clients as before, and only listed files below /graphql/ide/', async () => {
    const get = await fetch(`${supergraph.origin}/graphql?query=${encodeURIComponent('{ __typename }')}`);
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ data: { __typename: 'Query' } });
    // a client on Vite's dev server: its origin is allowed, and urql's plain GET is no CSRF refusal
    const vite = await fetch(`${supergraph.origin}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { origin: 'http://localhost:5173' } });
    expect(vite.status).toBe(200);
    expect(vite.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const preflight = await fetch(`${supergraph.origin}/graphql`, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const json = await fetch(`${supergraph.origin}/graphql`, { headers: { accept: 'application/json' } });
    expect(json.headers.get('content-type')).toContain('application/json');
    expect((await fetch(`${supergraph.origin}/graphql/ide/graphiql.js`)).status).toBe(200);
    expect((await fetch(`${supergraph.origin}/graphql/ide/..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${supergraph.origin}/graphql/ide/server.js`)).status).toBe(404);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { configFromEnv, type GatewayConfig } from '@wavegraph/gateway';
import { freePort } from '@wavegraph/testkit';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestSupergraph, type TestSupergraph } from './supergraph';
import { buildWebApp, serveWebApp, type ServedWebApp } from './web-app';

export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
/** Headless Chromium as it runs on a machine with no GPU, no sandbox and no network beyond ours. */
export const CHROMIUM_ARGS: readonly string[] = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(args: readonly string[] = CHROMIUM_ARGS): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...args] });
}

export interface WebScenarioOptions {
  /** The directory prefix of the scenario's work (built app, generated files). */
  name: string;
  /** Gateway settings on top of the scenario's: the app's origin allowed by CORS, trusted documents required. */
  gateway?: (defaults: GatewayConfig) => Partial<GatewayConfig>;
  /** Chromium's command line. Default CHROMIUM_ARGS. */
  chromiumArgs?: readonly string[];
  /** Granted to the app's origin in every context opened (e.g. 'microphone'). */
  permissions?: string[];
  /** Called with every context opened, before its page loads (to watch its requests). */
  onContext?: (context: BrowserContext) => void;
}

export interface WebScenario {
  supergraph: TestSupergraph;
  web: ServedWebApp;
  browser: Browser;
  /** A directory of the scenario's own, removed at stop. */
  work: string;
  /** Every URL the scenario's pages requested. */
  requested: string[];
  /** A new browser context (another person) on the app at `#<hash>`; in another browser, or with other permissions, if given. */
  open(hash: string, options?: { browser?: Browser; permissions?: string[] }): Promise<{ context: BrowserContext; page: Page }>;
  /** What the pages requested from anywhere but the app and the gateway (the build works offline). */
  elsewhere(): string[];
  stop(): Promise<void>;
}

/**
 * The web app in headless Chromium against the whole supergraph: built into a directory of the
 * scenario's own, served on a free port, the only origin the gateway's CORS allows; the gateway
 * runs only the manifest's operations, as in production.
 */
export async function startWebScenario(options: WebScenarioOptions): Promise<WebScenario> {
  const work = mkdtempSync(path.join(tmpdir(), `wgtest-${options.name}-`));
  const app = path.join(work, 'app');
  buildWebApp(app);
  const webPort = await freePort();
  const defaults = configFromEnv();
  const supergraph = await startTestSupergraph({
    corsOrigins: [`http://127.0.0.1:${webPort}`],
    trustedDocuments: { ...defaults.trustedDocuments, mode: 'required' },
    ...options.gateway?.(defaults),
  });
  const web = await serveWebApp(app, webPort, supergraph.url);
  const browser = await launchChromium(options.chromiumArgs);
  const requested: string[] = [];
  return {
    supergraph,
    web,
    browser,
    work,
    requested,
    open: async (hash, { browser: inBrowser = browser, permissions = options.permissions ?? [] } = {}) => {
      const context = await inBrowser.newContext();
      if (permissions.length > 0) await context.grantPermissions(permissions, { origin: web.origin });
      context.on('request', (request) => requested.push(request.url()));
      options.onContext?.(context);
      const page = await context.newPage();
      await page.goto(`${web.origin}/#${hash}`);
      return { context, page };
    },
    elsewhere: () => requested.filter((url) => !url.startsWith(web.origin) && !url.startsWith(supergraph.origin) && !/^(data|blob):/.test(url)),
    stop: async () => {
      await browser.close();
      await web.stop();
      await supergraph.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Creates an account through the app's sign-in page, as a person would; resolves once signed in. */
export async function signUpInBrowser(page: Page, handle: string): Promise<void> {
  await page.getByRole('tab', { name: 'Create account' }).click();
  const form = page.getByRole('form', { name: 'Create account' });
  await form.getByLabel('Email').fill(`${handle}@example.com`);
  await form.getByLabel('Handle').fill(handle);
  await form.getByLabel('Display name').fill(`${handle} in person`);
  await form.getByLabel('Password').fill(`${handle} has a long password`);
  await form.getByRole('button', { name: 'Create account' }).click();
  await page.getByTestId('signed-in-as').filter({ hasText: `@${handle}` }).waitFor();
}

/** With WAVEGRAPH_SCREENSHOTS=<dir>, the page is pictured there as `<name>.png` (the README's come from this). */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  if (process.env.WAVEGRAPH_SCREENSHOTS) await page.screenshot({ path: path.join(process.env.WAVEGRAPH_SCREENSHOTS, `${name}.png`), fullPage });
}

import { startGateway, type RunningGateway } from '@wavegraph/gateway';
import { subscribeOverWebSocket } from '@wavegraph/testkit';
import WebSocket from 'ws';
import { postGraphQL, type RawResponse } from './support/graphql';
import { NO_RATE_LIMITS, startTestSupergraph, type TestSupergraph } from './support/supergraph';

const ME = '{ me { id } }';
const LOGIN = 'mutation($email: String!, $password: String!) { login(input: { email: $email, password: $password }) { accessToken } }';
const REGISTER = 'mutation($email: String!, $handle: String!) { register(input: { email: $email, handle: $handle, displayName: "R", password: "a long enough password" }) { user { id } } }';
const CREATE_SHOW = 'mutation($slug: String!) { createShow(input: { slug: $slug, title: "T", category: NEWS, language: "en" }) { id } }';
const codeOf = (res: RawResponse): string => String(res.body.errors?.[0]?.extensions?.code ?? 'OK');
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('rate limits at the gateway', () => {
  let supergraph: TestSupergraph;
  let free: { token: string; id: string };
  let premium: string;
  const others: RunningGateway[] = [];
  const limits = {
    ...NO_RATE_LIMITS,
    perWindow: { anonymous: 4, FREE: 6, PREMIUM: 12, staff: 0 },
    loginFreeFailures: 3,
    registerPerIpPerHour: 0,
    wsConnectionsPerMinute: 3,
    wsSubscribesPerMinute: 2,
  };
  let ipCounter = 0;
  /** Each test speaks from an address of its own (the gateway trusts X-Forwarded-For from loopback). */
  const freshIp = () => `198.51.100.${(ipCounter += 1)}`;
  const from = (ip: string, token?: string) => ({ headers: { 'x-forwarded-for': ip }, token });

  async function account(email: string, handle: string): Promise<{ token: string; id: string }> {
    const res = await postGraphQL(supergraph.url, 'mutation($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }', {
      ...from(freshIp()),
      variables: { i: { email, handle, displayName: handle, password: 'a long enough password' } },
    });
    const { accessToken, user } = (res.body.data as { register: { accessToken: string; user: { id: string } } }).register;
    return { token: accessToken, id: user.id };
  }
  const showCount = async () => (await supergraph.catalog.db.dataSource.query('SELECT count(*)::int AS n FROM shows'))[0].n as number;

  beforeAll(async () => {
    supergraph = await startTestSupergraph({ rateLimits: limits });
    free = await account('free@example.com', 'free_one');
    const paying = await account('premium@example.com', 'premium_one');
    await supergraph.identity.db.dataSource.query(`UPDATE users SET plan = 'PREMIUM' WHERE id = $1`, [paying.id]);
    const login = await postGraphQL(supergraph.url, LOGIN, { ...from(freshIp()), variables: { email: 'premium@example.com', password: 'a long enough password' } });
    premium = (login.body.data as { login: { accessToken: string } }).login.accessToken;
  });
  afterAll(async () => {
    await Promise.all(others.map((gateway) => gateway.stop()));
    await supergraph?.stop();
  });

  it('gives a FREE account its plan of requests, then 429 RATE_LIMITED with Retry-After, and the refused mutation writes nothing', async () => {
    const ip = freshIp();
    for (let i = 0; i < 6; i += 1) {
      const res = await postGraphQL(supergraph.url, ME, from(ip, free.token));
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-policy')).toBe('6;w=60');
      expect(res.headers.get('ratelimit')).toMatch(new RegExp(`^limit=6, remaining=${5 - i}, reset=\\d+$`));
    }
    const before = await showCount();
    // another address does not help: a signed-in caller is counted by account
    const refused = await postGraphQL(supergraph.url, CREATE_SHOW, { ...from(freshIp(), free.token), variables: { slug: 'over-the-limit' } });
    expect(refused.status).toBe(429);
    expect(refused.body.data ?? null).toBeNull();
    expect(refused.body.errors?.[0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body.errors?.[0].extensions?.retryAfter).toBe(retryAfter);
    expect(refused.headers.get('ratelimit')).toMatch(/remaining=0/);
    expect(await showCount()).toBe(before);
  });

  it('gives PREMIUM its own, larger plan (twice FREE here, as configured)', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 13; i += 1) codes.push(codeOf(await postGraphQL(supergraph.url, ME, from(freshIp(), premium))));
    expect(codes).toEqual([...Array(12).fill('OK'), 'RATE_LIMITED']);
  });

  it('counts anonymous callers per IP', async () => {
    const [a, b] = [freshIp(), freshIp()];
    const codesA: string[] = [];
    for (let i = 0; i < 5; i += 1) codesA.push(codeOf(await postGraphQL(supergraph.url, ME, from(a))));
    expect(codesA).toEqual(['OK', 'OK', 'OK', 'OK', 'RATE_LIMITED']);
    expect(codeOf(await postGraphQL(supergraph.url, ME, from(b)))).toBe('OK');
  });

  it('shares one limit between two gateway replicas through Redis', async () => {
    const other = await startGateway(supergraph.gatewayConfig);
    others.push(other);
    const ip = freshIp();
    const codes: string[] = [];
    for (let i = 0; i < 6; i += 1) codes.push(codeOf(await postGraphQL(i % 2 ? other.url : supergraph.url, ME, from(ip))));
    expect(codes).toEqual(['OK', 'OK', 'OK', 'OK', 'RATE_LIMITED', 'RATE_LIMITED']);
  });

  it('slows password guessing per account with growing waits, the same for an account that does not exist', async () => {
    const attempt = async (email: string, password: string) =>
      postGraphQL(supergraph.url, LOGIN, { ...from(freshIp()), variables: { email, password } });
    const guess = async (email: string) => {
      const codes: string[] = [];
      for (let i = 0; i < 5; i += 1) codes.push(codeOf(await attempt(email, `wrong guess ${i}`)));
      return codes;
    };
    // 3 free failures; the 4th is answered, then the account waits 1 s before the next try
    const existing = await guess('free@example.com');
    expect(existing).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED']);
    // even the right password waits: the guesser cannot tell a hit while blocked
    const blocked = await attempt('free@example.com', 'a long enough password');
    expect(blocked.status).toBe(429);
    expect(blocked.body.data ?? null).toBeNull();
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await guess('nobody@example.com')).toEqual(existing);
    await pause(1_100);
    // one more failure doubles the wait to 2 s
    expect(codeOf(await attempt('free@example.com', 'wrong again'))).toBe('UNAUTHENTICATED');
    const longer = await attempt('free@example.com', 'a long enough password');
    expect(codeOf(longer)).toBe('RATE_LIMITED');
    expect(Number(longer.headers.get('retry-after'))).toBe(2);
    await pause(2_100);
    // the owner gets in after the wait, and success clears the count
    expect(codeOf(await attempt('free@example.com', 'a long enough password'))).toBe('OK');
    expect(codeOf(await attempt('free@example.com', 'one typo'))).toBe('UNAUTHENTICATED');
    expect(codeOf(await attempt('free@example.com', 'a long enough password'))).toBe('OK');
  });

  it('limits login attempts, failed logins and sign-ups per IP, writing nothing once refused', async () => {
    const strict = await startGateway({
      ...supergraph.gatewayConfig,
      rateLimits: { ...NO_RATE_LIMITS, loginPerIpPerMinute: 3, loginFailuresPerIpPerHour: 2, registerPerIpPerHour: 2 },
    });
    others.push(strict);
    const ip = freshIp();
    const login = (email: string) => postGraphQL(strict.url, LOGIN, { ...from(ip), variables: { email, password: 'not it at all' } });
    // two failures on different accounts use up this address's failed logins
    expect([codeOf(await login('a@example.com')), codeOf(await login('b@example.com')), codeOf(await login('c@example.com'))]).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED']);
    expect(codeOf(await login('d@example.com'))).toBe('RATE_LIMITED');

    const users = async () => (await supergraph.identity.db.dataSource.query('SELECT count(*)::int AS n FROM users'))[0].n as number;
    const before = await users();
    const register = (n: number) => postGraphQL(strict.url, REGISTER, { ...from(ip), variables: { email: `bulk${n}@example.com`, handle: `bulk_${n}` } });
    expect([codeOf(await register(1)), codeOf(await register(2)), codeOf(await register(3))]).toEqual(['OK', 'OK', 'RATE_LIMITED']);
    expect(await users()).toBe(before + 2);
    expect(codeOf(await postGraphQL(strict.url, REGISTER, { ...from(freshIp()), variables: { email: 'bulk4@example.com', handle: 'bulk_4' } }))).toBe('OK');
  });

  it('limits sign-ups with one email from many addresses, the same whether or not it is taken', async () => {
    const strict = await startGateway({ ...supergraph.gatewayConfig, rateLimits: { ...NO_RATE_LIMITS, registerPerEmailPerHour: 2 } });
    others.push(strict);
    const probe = (email: string, n: number) => postGraphQL(strict.url, REGISTER, { ...from(freshIp()), variables: { email, handle: `probe_${email.length}_${n}` } });
    const taken = [codeOf(await probe('free@example.com', 1)), codeOf(await probe('FREE@example.com', 2)), codeOf(await probe('free@example.com', 3))];
    expect(taken).toEqual(['CONFLICT', 'CONFLICT', 'RATE_LIMITED']);
    const fresh = [codeOf(await probe('fresh@example.com', 1)), codeOf(await probe('fresh@example.com', 2)), codeOf(await probe('fresh@example.com', 3))];
    expect(fresh).toEqual(['OK', 'CONFLICT', 'RATE_LIMITED']);
  });

  it('keeps limiting with a local counter when Redis is unreachable, and counts the fallbacks', async () => {
    const cutOff = await startGateway({ ...supergraph.gatewayConfig, redisUrl: 'redis://127.0.0.1:1' });
    others.push(cutOff);
    const ip = freshIp();
    const codes: string[] = [];
    for (let i = 0; i < 5; i += 1) codes.push(codeOf(await postGraphQL(cutOff.url, ME, from(ip))));
    expect(codes).toEqual(['OK', 'OK', 'OK', 'OK', 'RATE_LIMITED']);
    expect(cutOff.rateLimits.store.fallbacks).toBeGreaterThanOrEqual(5);
    expect(supergraph.gateway.rateLimits.store.fallbacks).toBe(0);
  });

  describe('over WebSocket', () => {
    const SUB = 'subscription { notificationAdded { id } }';
    const wsUrl = () => supergraph.url.replace(/^http/, 'ws');

    it('limits connections opened per account per minute (close 4429), and subscribe attempts (RATE_LIMITED)', async () => {
      const { token } = await account('ws@example.com', 'ws_user');
      const params = { authorization: `Bearer ${token}` };
      // two connections, one subscription each: this account's two subscribe attempts of the minute
      const first = subscribeOverWebSocket(supergraph.url, SUB, {}, params);
      const second = subscribeOverWebSocket(supergraph.url, SUB, {}, params);
      await pause(500);
      await Promise.all([first.close(), second.close()]);
      expect(first.results).toEqual([]);
      // the third connection is allowed, its subscription is not
      const third = subscribeOverWebSocket(supergraph.url, SUB, {}, params);
      const thirdEnd = await third.ended;
      expect(thirdEnd.errors?.[0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
      // and a fourth connection in the same minute is closed
      const fourth = subscribeOverWebSocket(supergraph.url, SUB, {}, params);
      const fourthEnd = await fourth.ended;
      expect(fourthEnd.closeCode).toBe(4429);
    });

    it('closes a socket that sends a frame over the size limit without parsing it (1009)', async () => {
      const socket = new WebSocket(wsUrl(), 'graphql-transport-ws');
      await new Promise((resolve) => socket.once('open', resolve));
      const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
      socket.send(JSON.stringify({ type: 'connection_init', payload: { filler: 'x'.repeat(100 * 1024) } }));
      expect(await closed).toBe(1009);
    });

    it('caps the connections one account holds open', async () => {
      const capped = await startGateway({ ...supergraph.gatewayConfig, subscriptions: { ...supergraph.gatewayConfig.subscriptions, maxConnectionsPerUser: 2 } });
      others.push(capped);
      const { token } = await account('many@example.com', 'many_sockets');
      const params = { authorization: `Bearer ${token}` };
      const open = [subscribeOverWebSocket(capped.url, SUB, {}, params), subscribeOverWebSocket(capped.url, SUB, {}, params)];
      await pause(300);
      const third = subscribeOverWebSocket(capped.url, SUB, {}, params);
      expect((await third.ended).closeCode).toBe(4429);
      await open[0].close();
      await pause(200);
      const again = subscribeOverWebSocket(capped.url, SUB, {}, params);
      await pause(300);
      expect(again.results).toEqual([]);
      await Promise.all([open[1].close(), again.close()]);
    });
  });
});

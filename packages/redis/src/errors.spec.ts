import { onRedisError, redisErrorCounts, reportRedisError, reportRedisReady, resetRedisErrors, setRedisErrorLog } from './errors';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });

describe('the Redis error registry', () => {
  let now = 1_000_000;
  const log = { warn: jest.fn(), info: jest.fn() };
  beforeEach(() => {
    resetRedisErrors();
    log.warn.mockClear();
    log.info.mockClear();
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  it('logs the first error of a connection, then at most one line per window saying how many it left out', () => {
    for (let i = 0; i < 5; i++) {
      reportRedisError('a', refused(), log);
      now += 1_000;
    }
    // 0 s logged; 1–4 s suppressed
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn.mock.calls[0][0]).toMatchObject({ redisConnection: 'a', code: 'ECONNREFUSED', suppressed: 0 });
    now += 5_000;
    reportRedisError('a', refused(), log);
    expect(log.warn).toHaveBeenCalledTimes(2);
    expect(log.warn.mock.calls[1][0]).toMatchObject({ redisConnection: 'a', suppressed: 4 });
    expect(log.warn.mock.calls[1][1]).toContain('ECONNREFUSED');
  });

  it('keeps one window per connection: a second connection logs its own first error at once', () => {
    reportRedisError('a', refused(), log);
    reportRedisError('a', refused(), log);
    reportRedisError('b', refused(), log);
    expect(log.warn.mock.calls.map(([fields]) => fields.redisConnection)).toEqual(['a', 'b']);
  });

  it('counts every error by connection and code, logged or not', () => {
    reportRedisError('a', refused(), log);
    reportRedisError('a', refused(), log);
    reportRedisError('a', new Error('Command timed out'), log);
    reportRedisError('b', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), log);
    expect(redisErrorCounts()).toEqual(
      expect.arrayContaining([
        { connection: 'a', code: 'ECONNREFUSED', count: 2 },
        { connection: 'a', code: 'Error', count: 1 },
        { connection: 'b', code: 'ECONNRESET', count: 1 },
      ]),
    );
    expect(redisErrorCounts()).toHaveLength(3);
  });

  it('counts an error once when BullMQ passes on the one its connection already reported', () => {
    const error = refused();
    reportRedisError('catalog:publish-queue', error, log);
    reportRedisError('catalog:publish-queue', error, log);
    reportRedisError('catalog:publish-queue', refused(), log);
    expect(redisErrorCounts()).toEqual([{ connection: 'catalog:publish-queue', code: 'ECONNREFUSED', count: 2 }]);
  });

  it('tells every listener about every error until it stops listening', () => {
    const heard: string[] = [];
    const stop = onRedisError(({ connection, code }) => heard.push(`${connection}/${code}`));
    onRedisError(() => {
      throw new Error('a broken listener');
    })();
    reportRedisError('a', refused(), log);
    reportRedisError('a', refused(), log);
    stop();
    reportRedisError('a', refused(), log);
    expect(heard).toEqual(['a/ECONNREFUSED', 'a/ECONNREFUSED']);
  });

  it('says once when a connection that failed is ready again, and logs the next outage at once', () => {
    reportRedisReady('a', log);
    expect(log.info).not.toHaveBeenCalled();
    reportRedisError('a', refused(), log);
    reportRedisError('a', refused(), log);
    reportRedisReady('a', log);
    expect(log.info).toHaveBeenCalledTimes(1);
    expect(log.info.mock.calls[0][0]).toEqual({ redisConnection: 'a', errors: 2 });
    reportRedisError('a', refused(), log);
    expect(log.warn).toHaveBeenCalledTimes(2);
  });

  it('writes to the process logger once one is set', () => {
    const processLog = { warn: jest.fn(), info: jest.fn() };
    setRedisErrorLog(processLog);
    reportRedisError('c', refused());
    expect(processLog.warn).toHaveBeenCalledTimes(1);
  });
});

import { logLines } from '@wavegraph/testkit';
import { createLogger } from './logger';
import { runWithTrace, traceIdOf } from './trace';

/** A logger whose lines are kept, parsed. */
function capture() {
  const { stream, lines } = logLines();
  const previous = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = 'info';
  const log = createLogger('spec', stream);
  process.env.LOG_LEVEL = previous;
  return { log, lines };
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('log lines', () => {
  it('carry the request id and trace id of the work they are written for', () => {
    const { log, lines } = capture();
    runWithTrace({ requestId: 'req-1', traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` }, () => log.info('inside'));
    log.info('outside');
    expect(lines[0]).toMatchObject({ msg: 'inside', requestId: 'req-1', trace_id: TRACE_ID });
    expect(lines[1]).toMatchObject({ msg: 'outside' });
    expect(lines[1]).not.toHaveProperty('requestId');
    expect(lines[1]).not.toHaveProperty('trace_id');
  });

  it('keep them across awaits', async () => {
    const { log, lines } = capture();
    await runWithTrace({ requestId: 'req-2' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      log.warn('later');
    });
    expect(lines[0]).toMatchObject({ msg: 'later', requestId: 'req-2' });
    expect(lines[0]).not.toHaveProperty('trace_id');
  });
});

describe('traceIdOf', () => {
  it('reads the trace id of a W3C traceparent and nothing else', () => {
    expect(traceIdOf(`00-${TRACE_ID}-00f067aa0ba902b7-01`)).toBe(TRACE_ID);
    expect(traceIdOf(`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`)).toBeUndefined();
    expect(traceIdOf('00-short-00f067aa0ba902b7-01')).toBeUndefined();
    expect(traceIdOf(undefined)).toBeUndefined();
  });
});

import { currentTraceHeaders, inSpan, openSpan } from './context';
import { tracing, tracingConfigured } from './start';

describe('whether tracing is on', () => {
  it.each([
    [{}, false],
    [{ OTEL_TRACES_EXPORTER: 'none' }, false],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, true],
    [{ OTEL_TRACES_EXPORTER: 'console,none' }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }, false],
  ])('with %j: %s', (env, on) => {
    expect(tracingConfigured(env)).toBe(on);
  });
});

describe('with tracing off', () => {
  it('runs work as it is and carries no trace', async () => {
    expect(tracing()).toBe(false);
    await expect(inSpan('work', { parent: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } }, async (span) => (span === undefined ? 'plain' : 'spanned'))).resolves.toBe('plain');
    await expect(inSpan('failing', {}, async () => Promise.reject(new Error('kept')))).rejects.toThrow('kept');
    const span = openSpan('step');
    span.setAttribute('a', 1);
    span.end(new Error('ignored'));
    expect(currentTraceHeaders()).toEqual({});
  });
});

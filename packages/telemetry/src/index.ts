export { startTelemetry, shutdownTelemetry, tracing, tracingConfigured, type Telemetry } from './start';
export { contextFrom, currentTraceHeaders, currentTraceId, inSpan, openSpan, type OpenSpan, type SpanOptions } from './context';

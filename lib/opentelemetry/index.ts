/**
 * pubscribe for OpenTelemetry: `openTelemetry()`, the tracing and metrics of requesters and
 * responders over `@opentelemetry/api` (an optional peer dependency).
 *
 * Loaded only through `pubscribe/opentelemetry`: the main entry never imports OpenTelemetry.
 */
export { openTelemetry } from './open-telemetry.js';
export type { OpenTelemetryOptions } from './open-telemetry.js';
export { ATTRIBUTE_NAMES, CONSUMER_START_EVENTS, INSTRUMENTATION_NAME, METRIC_NAMES } from './names.js';

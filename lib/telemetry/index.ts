export * from './telemetry.js';
export { noTelemetry } from './no-telemetry.js';

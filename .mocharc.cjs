// The full suite: unit, marble and integration tests. The global fixture starts a local Kafka
// broker (or uses KAFKA_BROKERS) before the first test and stops it after the last.
module.exports = {
  spec: ['build/spec/**/*.spec.js'],
  // The fault suite has its own cluster and config (.mocharc.faults.cjs, npm run test:faults).
  ignore: ['build/spec/faults/**'],
  require: ['build/spec/support/global-kafka.js'],
  timeout: 60000,
  slow: 2000,
  'node-option': ['enable-source-maps', 'expose-gc'],
  reporter: 'spec',
};

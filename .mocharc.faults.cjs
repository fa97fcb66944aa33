// The fault suite (`npm run test:faults`): requests in flight while brokers are killed, restarted
// and frozen. Its global fixture starts its own three-node cluster (and single nodes on demand),
// independent of `npm test`'s broker. Sizes come from FAULT_* variables (spec/faults/support/fault-rig.ts).
module.exports = {
  spec: ['build/spec/faults/**/*.spec.js'],
  require: ['build/spec/faults/support/fault-cluster.js'],
  timeout: 300000,
  slow: 30000,
  'node-option': ['enable-source-maps'],
  reporter: 'spec',
};

/** `weir/testing`: Kafka Streams' TopologyTestDriver for weir topologies, and its test topics. */
export { TopologyTestDriver, type TestDriverOptions } from './topology-test-driver';
export { TestInputTopic, TestOutputTopic, type TestRecord } from './test-topics';

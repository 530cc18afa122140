export { EmbeddedLog, type EmbeddedLogOptions } from './embedded-log';
export { partitionForKey, murmur2, toPositive } from './partitioner';
export { assignPartitions, type PartitionAssignorName } from './assignor';

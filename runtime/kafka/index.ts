export { KafkaLog, type KafkaLogOptions } from './kafka-log';

import type { LogClient } from '../log';
import { KafkaLog, type KafkaLogOptions } from './kafka-log';

/** Opens the Kafka log (for commands that load the runtime lazily, as `weir produce` does). */
export function openKafkaLog(options: KafkaLogOptions): LogClient {
  return new KafkaLog(options);
}

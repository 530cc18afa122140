/**
 * Keeps the registry's records in a compacted single-partition topic (`_schemas`, as Confluent's registry does,
 * with the same JSON keys and values), written and read through `LogClient` so it works on the embedded log and Kafka alike.
 */
import { WeirError } from '../errors/weir-error';
import type { CommitLog, LogClient, TopicPartition } from '../runtime/log';
import { parseRecord, type RegistryRecord, type SchemaStore } from './schema-store';

export const SCHEMAS_TOPIC = '_schemas';

export class TopicSchemaStore implements SchemaStore {
  readonly description: string;
  private readonly tp: TopicPartition;
  private position = 0;
  private commitLog: CommitLog | undefined;
  private created = false;

  constructor(private readonly log: LogClient, topic: string = SCHEMAS_TOPIC) {
    this.tp = { topic, partition: 0 };
    this.description = `topic:${topic} (${log.kind})`;
  }

  async readNew(): Promise<RegistryRecord[]> {
    await this.ensureTopic();
    const end = await this.log.admin().endOffset(this.tp);
    if (end <= this.position) return [];
    const reader = this.log.partitionReader({ readCommitted: true });
    const records: RegistryRecord[] = [];
    try {
      for await (const batch of reader.read(this.tp, this.position, end)) {
        for (const r of batch) {
          // Null values are Confluent's hard deletes; other key types (NOOP, DELETE_SUBJECT...) carry nothing we keep.
          if (r.key === null || r.value === null) continue;
          const keytype = (JSON.parse(r.key.toString('utf8')) as { keytype?: string }).keytype;
          if (keytype !== 'SCHEMA' && keytype !== 'CONFIG') continue;
          records.push(parseRecord(`{"key":${r.key.toString('utf8')},"value":${r.value.toString('utf8')}}`, `${this.tp.topic}@${r.offset}`));
        }
      }
    } finally {
      await reader.close();
    }
    this.position = end;
    return records;
  }

  async append(record: RegistryRecord): Promise<void> {
    await this.ensureTopic();
    this.commitLog ??= await this.log.commitLog({ guarantee: 'at_least_once', clientId: 'weir-schema-registry' });
    await this.commitLog.send([
      {
        topic: this.tp.topic,
        partition: 0,
        key: Buffer.from(JSON.stringify(record.key)),
        value: Buffer.from(JSON.stringify(record.value)),
        timestamp: Date.now(),
        headers: {},
      },
    ]);
  }

  async close(): Promise<void> {
    await this.commitLog?.close();
    this.commitLog = undefined;
  }

  private async ensureTopic(): Promise<void> {
    if (this.created) return;
    const admin = this.log.admin();
    await admin.createTopics([{ name: this.tp.topic, partitions: 1, compacted: true }]);
    const partitions = await admin.partitionCount(this.tp.topic);
    if (partitions !== 1) {
      throw new WeirError('INVALID_CONFIG', `the schemas topic must have exactly one partition, it has ${partitions}`, { topic: this.tp.topic });
    }
    this.created = true;
  }
}

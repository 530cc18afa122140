/** Serdes: JSON and strings for the embedded demo, Avro in Confluent's wire format for everything else. */
export { jsonSerde } from './json-serde';
export { stringSerde } from './string-serde';
export { avroSerde, AvroSerde, type AvroSerdeOptions } from './avro-serde';
export { createAvroProducer, AvroProducer, type AvroProducerOptions } from './avro-producer';
export { MAGIC_BYTE, HEADER_SIZE } from './confluent-wire-format';

import { randomBytes } from 'node:crypto';
import { Partitioners, type Kafka } from 'kafkajs';
import { waitFor } from './waitFor';

/** Writes each value as one record, as a raw-format Flink table reads it. */
export async function produceRaw(kafka: Kafka, topic: string, values: string[]): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({ topic, messages: values.map((value) => ({ value })) });
  } finally {
    await producer.disconnect();
  }
}

/** The values of a topic from its start, once at least `expected` arrived, read by a consumer group of its own. */
export async function readRaw(kafka: Kafka, topic: string, expected: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `pp-raw-check-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 200 });
  const received: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(String(message.value)) });
    await waitFor(`${expected} records in ${topic}`, async () => received.length >= expected);
  } finally {
    await consumer.disconnect();
  }
  return received;
}

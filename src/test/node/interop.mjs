// An independent Confluent client for Streamtune's interop test: kafkajs and
// @kafkajs/confluent-schema-registry (which encodes with avsc). Usage:
//   node interop.mjs produce <bootstrap> <registryUrl> <topic> <avscFile>
//       registers the schema under <topic>-value, encodes the fixed event, produces it,
//       and prints {"id": <schema id>, "hex": "<the record value>"}
//   node interop.mjs consume <bootstrap> <registryUrl> <topic>
//       reads the first committed record of <topic> (read_committed), decodes it, and prints it as JSON
//       (bytes as base64, the image union as {"type": <record name>, ...fields})
//   node interop.mjs publish <bootstrap> <registryUrl> <topic> <avscFile> <manifest.json>
//       produces the events a manifest lists, as an upstream app would: each entry is
//       {key, eventId, modelId, label, file, contentType} (the image read from file), the same
//       with {refUri, sha256} instead of file (an ImageRef to an upload in object storage), or
//       {key, rawHex} for bytes that are not an event at all; prints {"sent": n}
//   node interop.mjs golden <avscFile> <schemaId>
//       prints the hex of the fixed event as the client's own wire encoder and avsc write it,
//       without a registry; the committed golden file was made this way
import fs from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const avro = require('avsc');
const { encode: wireEncode } = require('@kafkajs/confluent-schema-registry/dist/wireEncoder');

const INLINE = 'dev.streamtune.events.InlineImage';
const REF = 'dev.streamtune.events.ImageRef';

// Must equal InteropFixture.event() in the Java tests, field for field.
export function fixedEvent() {
  return {
    eventId: 'evt-0001',
    modelId: 'shapes',
    label: 'circle',
    image: { [INLINE]: { data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 3, 254, 255]), contentType: 'image/png' } },
    capturedAt: 1767225600000,
    attributes: { source: 'node-app', device: 'cam-7' },
  };
}

function clients(bootstrap, registryUrl) {
  const kafka = new Kafka({ clientId: 'streamtune-interop', brokers: [bootstrap], logLevel: logLevel.ERROR });
  const registry = new SchemaRegistry({ host: registryUrl });
  return { kafka, registry };
}

function toJson(event) {
  const [type, img] = Object.entries(event.image)[0];
  const image = type === INLINE
    ? { type, data: img.data.toString('base64'), contentType: img.contentType }
    : { type, ...img };
  return { ...event, image };
}

async function produce(bootstrap, registryUrl, topic, avscFile) {
  const { kafka, registry } = clients(bootstrap, registryUrl);
  const schema = fs.readFileSync(avscFile, 'utf8');
  const { id } = await registry.register(
    { type: 'AVRO', schema },
    { subject: `${topic}-value`, compatibility: 'FULL_TRANSITIVE' },
  );
  const value = await registry.encode(id, fixedEvent());
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  await producer.send({ topic, messages: [{ key: 'interop', value }] });
  await producer.disconnect();
  process.stdout.write(JSON.stringify({ id, hex: value.toString('hex') }) + '\n');
}

async function consume(bootstrap, registryUrl, topic) {
  const { kafka, registry } = clients(bootstrap, registryUrl);
  // read_committed, as every consumer of models.versions must: a fenced trainer's record is
  // written and then aborted (kafkajs' default, spelled out because it matters).
  const consumer = kafka.consumer({ groupId: `interop-${Date.now()}`, readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const decoded = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no record on ${topic} within 60 s`)), 60000);
    consumer.run({
      eachMessage: async ({ message }) => {
        clearTimeout(timer);
        try {
          resolve({ key: message.key?.toString(), value: toJson(await registry.decode(message.value)) });
        } catch (e) {
          reject(e);
        }
      },
    });
  });
  await consumer.disconnect();
  process.stdout.write(JSON.stringify(decoded) + '\n');
}

async function publish(bootstrap, registryUrl, topic, avscFile, manifestFile) {
  const { kafka, registry } = clients(bootstrap, registryUrl);
  const { id } = await registry.register(
    { type: 'AVRO', schema: fs.readFileSync(avscFile, 'utf8') },
    { subject: `${topic}-value`, compatibility: 'FULL_TRANSITIVE' },
  );
  const entries = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let i = 0; i < entries.length; i += 200) {
    const messages = [];
    for (const e of entries.slice(i, i + 200)) {
      if (e.rawHex !== undefined) {
        messages.push({ key: e.key, value: Buffer.from(e.rawHex, 'hex') });
        continue;
      }
      const event = {
        eventId: e.eventId, modelId: e.modelId, label: e.label,
        image: e.refUri !== undefined
          ? { [REF]: { uri: e.refUri, sha256: e.sha256, contentType: e.contentType } }
          : { [INLINE]: { data: fs.readFileSync(e.file), contentType: e.contentType } },
        capturedAt: 1767225600000, attributes: { source: 'node-upstream' },
      };
      messages.push({ key: e.key, value: await registry.encode(id, event) });
    }
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
  process.stdout.write(JSON.stringify({ sent: entries.length }) + '\n');
}

async function golden(avscFile, schemaId) {
  const type = avro.Type.forSchema(JSON.parse(fs.readFileSync(avscFile, 'utf8')));
  process.stdout.write(wireEncode(Number(schemaId), type.toBuffer(fixedEvent())).toString('hex') + '\n');
}

const [cmd, ...args] = process.argv.slice(2);
const commands = { produce, consume, publish, golden };
if (!commands[cmd]) {
  console.error('usage: node interop.mjs produce|consume ...');
  process.exit(2);
}
commands[cmd](...args).then(
  () => process.exit(0),
  (e) => { console.error(e?.stack ?? String(e)); process.exit(1); },
);

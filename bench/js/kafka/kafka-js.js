'use strict'
// kafka-js: what kafka-upstream does in its default configuration, written for Kong's JS plugin
// server (kong-pdk 0.6.0) with the kafkajs client, as a JS plugin author would write it:
//   - read the content type and the raw body (2 PDK calls, as kafka-upstream),
//   - build the same JSON envelope ({"body": text, "body_args": parsed JSON}),
//   - asynchronous mode like the original plugin: buffer the message, answer 200 at once, send
//     batches of up to 200 messages (producer_request_limits_messages_per_request) at least every
//     1000 ms (producer_async_flush_timeout), acks=1; 503 beyond 50000 buffered messages
//     (producer_async_buffering_limits_messages_in_memory).
const { Kafka, logLevel } = require('kafkajs')

const BATCH = 200
// a produce request stays under the broker's message.max.bytes (1 MiB), as kafka-upstream's
// max.request.size (producer_request_limits_bytes_per_request = 1048576)
const MAX_BATCH_BYTES = 900 * 1024
const FLUSH_MS = 1000
const MAX_IN_MEMORY = 50000
const SENT = JSON.stringify({ message: 'message sent' })
const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8' }

// one producer per broker list, shared by every instance (as kafka-upstream's producer pool),
// and one send buffer per topic
const producers = new Map()
const buffers = new Map()

function bufferFor(bootstrap, topic) {
  let producer = producers.get(bootstrap)
  if (!producer) {
    const kafka = new Kafka({ clientId: 'kafka-js', brokers: bootstrap.split(','), logLevel: logLevel.ERROR })
    const created = kafka.producer({ allowAutoTopicCreation: false })
    producer = { producer: created, ready: created.connect() }
    producers.set(bootstrap, producer)
  }
  const key = bootstrap + '|' + topic
  let p = buffers.get(key)
  if (!p) {
    p = { producer: producer.producer, ready: producer.ready, queue: [], queuedBytes: 0, inFlight: 0, timer: null,
      failed: 0 }
    buffers.set(key, p)
  }
  return p
}

function flush(p, topic) {
  if (p.timer) {
    clearTimeout(p.timer)
    p.timer = null
  }
  if (p.queue.length === 0) return
  const messages = p.queue
  p.queue = []
  p.queuedBytes = 0
  p.ready
    .then(() => p.producer.send({ topic, acks: 1, messages }))
    .catch((err) => {
      p.failed += messages.length
      console.error(`kafka-js: ${messages.length} messages to ${topic} failed: ${err.message}`)
    })
    .finally(() => { p.inFlight -= messages.length })
}

function envelope(contentType, body) {
  const text = Buffer.from(body).toString('utf8')
  const message = { body: text }
  if ((contentType || '').split(';')[0].trim().toLowerCase() === 'application/json') {
    message.body_args = text.length === 0 ? {} : JSON.parse(text)
  } else {
    message.body_args = {}
  }
  return JSON.stringify(message)
}

class KafkaJs {
  constructor(config) {
    this.topic = config.topic
    this.p = bufferFor(config.bootstrap, config.topic)
  }

  async access(kong) {
    const contentType = await kong.request.getHeader('content-type')
    const body = await kong.request.getRawBody()
    let value
    try {
      value = envelope(contentType, body || new Uint8Array(0))
    } catch (e) {
      return kong.response.exit(400, JSON.stringify({ message: 'Bad Request', error: e.message }), JSON_HEADERS)
    }
    const p = this.p
    if (p.inFlight >= MAX_IN_MEMORY) {
      return kong.response.exit(503, JSON.stringify({ message: 'Service Unavailable' }), JSON_HEADERS)
    }
    if (p.queuedBytes + value.length > MAX_BATCH_BYTES) {
      flush(p, this.topic)
    }
    p.inFlight++
    p.queue.push({ value })
    p.queuedBytes += value.length
    if (p.queue.length >= BATCH) {
      flush(p, this.topic)
    } else if (!p.timer) {
      p.timer = setTimeout(() => flush(p, this.topic), FLUSH_MS)
    }
    return kong.response.exit(200, SENT, JSON_HEADERS)
  }
}

module.exports = {
  Plugin: KafkaJs,
  Name: 'kafka-js',
  Schema: [
    { bootstrap: { type: 'string', required: true } },
    { topic: { type: 'string', required: true } },
  ],
  Version: '1.0.0',
  Priority: 1000,
}

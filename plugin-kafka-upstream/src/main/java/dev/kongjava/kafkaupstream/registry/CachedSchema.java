package dev.kongjava.kafkaupstream.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kongjava.kafkaupstream.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subject version of one instance, fetched from the registry on first use and then held:
 * requests never wait for the registry again. The first fetch is made once however many requests
 * arrive together; a failed one is answered from memory for {@link #RETRY} before the registry is
 * asked again. After the TTL one request starts a refresh in the background and every request
 * keeps the held schema meanwhile; if the refresh fails the held schema stays in use and the
 * registry is asked again after {@link #RETRY} (or the TTL, if shorter). So the registry is never
 * called per request once a schema is held, and "down" means down before anything was held.
 */
final class CachedSchema {
    private static final Logger LOG = LoggerFactory.getLogger(CachedSchema.class);
    static final Duration RETRY = Duration.ofSeconds(5);
    private static final int MAX_REASON = 200;

    private record Held(WireEncoder encoder, String description, long refreshAtNanos) {}

    private record Failed(RegistryFailure failure, long untilNanos) {}

    private final RegistryClient client;
    private final RegistrySettings.Subject subject;
    private final Duration ttl;
    private final String role;
    private final ReentrantLock firstFetch = new ReentrantLock();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile Held held;
    private volatile Failed failed;

    /** @param role what the schema is for in messages: "value" or "key" */
    CachedSchema(RegistryClient client, RegistrySettings.Subject subject, Duration ttl, String role) {
        this.client = client;
        this.subject = subject;
        this.ttl = ttl;
        this.role = role;
    }

    /**
     * Writes {@code document} in the wire format of the held schema.
     *
     * @throws RegistryFailure when no schema is held and the registry cannot give one
     * @throws SchemaMismatch naming the schema and the first mismatch
     */
    void write(JsonNode document, byte[] json, OutputStream out) throws RegistryFailure, SchemaMismatch, IOException {
        Held current = schema();
        try {
            current.encoder().write(document, json, out);
        } catch (SchemaMismatch e) {
            throw e.prefixed("the " + role + " does not match its schema, " + current.description());
        }
    }

    private Held schema() throws RegistryFailure {
        Held current = held;
        if (current == null) {
            return first();
        }
        if (System.nanoTime() - current.refreshAtNanos() >= 0 && refreshing.compareAndSet(false, true)) {
            Thread.ofVirtual().name("schema refresh " + subject.name()).start(this::refresh);
        }
        return current;
    }

    private Held first() throws RegistryFailure {
        try {
            firstFetch.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryFailure.upstream("interrupted while waiting for the schema registry");
        }
        try {
            if (held != null) {
                return held;
            }
            Failed last = failed;
            if (last != null && System.nanoTime() - last.untilNanos() < 0) {
                throw last.failure();
            }
            try {
                held = load();
                failed = null;
                return held;
            } catch (RegistryFailure e) {
                failed = new Failed(e, System.nanoTime() + RETRY.toNanos());
                throw e;
            }
        } finally {
            firstFetch.unlock();
        }
    }

    private void refresh() {
        try {
            held = load();
        } catch (RegistryFailure | RuntimeException e) {
            Held stale = held;
            long retry = ttl == null || ttl.compareTo(RETRY) > 0 ? RETRY.toNanos() : ttl.toNanos();
            held = new Held(stale.encoder(), stale.description(), System.nanoTime() + retry);
            LOG.warn(
                    "could not refresh the {} schema ({}); the one fetched before stays in use: {}",
                    role,
                    subject,
                    e.getMessage());
        } finally {
            refreshing.set(false);
        }
    }

    private Held load() throws RegistryFailure {
        FetchedSchema fetched = client.fetch(subject);
        long refreshAt = System.nanoTime() + (ttl == null ? Long.MAX_VALUE / 2 : ttl.toNanos());
        return new Held(compile(fetched), fetched.describe(), refreshAt);
    }

    private WireEncoder compile(FetchedSchema f) throws RegistryFailure {
        try {
            return switch (f.type()) {
                case "AVRO" -> new AvroEncoder(new Schema.Parser().parse(f.text()), f.id());
                case "JSON" -> JsonSchemaEncoder.of(Json.MAPPER.readTree(f.text()), f.id());
                default ->
                    throw RegistryFailure.config(
                            f.describe() + " is a " + f.type() + " schema; only AVRO and JSON schemas are supported");
            };
        } catch (IOException | RuntimeException e) {
            String reason = String.valueOf(e.getMessage());
            throw RegistryFailure.config(f.describe() + " is not a usable " + f.type() + " schema: "
                    + (reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON) + "..."));
        }
    }
}

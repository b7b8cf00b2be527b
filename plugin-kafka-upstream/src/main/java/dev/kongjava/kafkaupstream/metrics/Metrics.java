package dev.kongjava.kafkaupstream.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The plugin's counters in Prometheus text format: requests by topic and status, records
 * delivered and failed by topic, request latency by topic, and per producer what is in flight and
 * whether its health gate is closed.
 */
public final class Metrics {
    /** Latency buckets in seconds, from half a millisecond (an async accept) to the 10 s sync bound. */
    static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    /** A producer as seen at scrape time. */
    public record ProducerState(String clientId, int inFlight, boolean gated) {}

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> delivered = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failed = new ConcurrentHashMap<>();
    private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
    private volatile Supplier<Iterable<ProducerState>> producers = java.util.List::of;

    private static final class Histogram {
        final LongAdder[] counts = new LongAdder[BUCKETS.length + 1];
        final LongAdder sumNanos = new LongAdder();

        Histogram() {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observe(long nanos) {
            double seconds = nanos / 1e9;
            int i = 0;
            while (i < BUCKETS.length && seconds > BUCKETS[i]) {
                i++;
            }
            counts[i].increment();
            sumNanos.add(nanos);
        }
    }

    public void producers(Supplier<Iterable<ProducerState>> source) {
        this.producers = source;
    }

    public void request(String topic, int status, long nanos) {
        requests.computeIfAbsent(
                        label("topic", topic) + "," + label("status", String.valueOf(status)), k -> new LongAdder())
                .increment();
        latency.computeIfAbsent(topic, k -> new Histogram()).observe(nanos);
    }

    public void delivered(String topic) {
        delivered.computeIfAbsent(topic, k -> new LongAdder()).increment();
    }

    public void failed(String topic) {
        failed.computeIfAbsent(topic, k -> new LongAdder()).increment();
    }

    /** The text exposition format, version 0.0.4. */
    String render() {
        StringBuilder out = new StringBuilder();
        header(out, "kafka_upstream_requests_total", "counter", "HTTP requests answered, by default topic and status.");
        new TreeMap<>(requests).forEach((labels, n) -> line(out, "kafka_upstream_requests_total", labels, n.sum()));
        counters(out, "kafka_upstream_records_delivered_total", "Records the brokers acknowledged.", delivered);
        counters(out, "kafka_upstream_records_failed_total", "Records that could not be delivered.", failed);
        histogram(out);
        header(
                out,
                "kafka_upstream_records_in_flight",
                "gauge",
                "Records accepted and not yet acknowledged, per producer.");
        StringBuilder gated = new StringBuilder();
        int count = 0;
        for (ProducerState p : producers.get()) {
            count++;
            line(out, "kafka_upstream_records_in_flight", label("producer", p.clientId()), p.inFlight());
            line(gated, "kafka_upstream_producer_gated", label("producer", p.clientId()), p.gated() ? 1 : 0);
        }
        header(out, "kafka_upstream_producer_gated", "gauge", "1 while the async health gate refuses requests.");
        out.append(gated);
        header(out, "kafka_upstream_producers", "gauge", "Kafka producers open.");
        out.append("kafka_upstream_producers ").append(count).append('\n');
        return out.toString();
    }

    private void histogram(StringBuilder out) {
        String name = "kafka_upstream_request_duration_seconds";
        header(out, name, "histogram", "Time the plugin spent on a request, from its first PDK call to its answer.");
        new TreeMap<>(latency).forEach((topic, h) -> {
            long cumulative = 0;
            for (int i = 0; i <= BUCKETS.length; i++) {
                cumulative += h.counts[i].sum();
                String le = i < BUCKETS.length ? String.valueOf(BUCKETS[i]) : "+Inf";
                line(out, name + "_bucket", label("topic", topic) + "," + label("le", le), cumulative);
            }
            out.append(name)
                    .append("_sum{")
                    .append(label("topic", topic))
                    .append("} ")
                    .append(h.sumNanos.sum() / 1e9)
                    .append('\n');
            line(out, name + "_count", label("topic", topic), cumulative);
        });
    }

    private static void counters(StringBuilder out, String name, String help, Map<String, LongAdder> byTopic) {
        header(out, name, "counter", help);
        new TreeMap<>(byTopic).forEach((topic, n) -> line(out, name, label("topic", topic), n.sum()));
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void line(StringBuilder out, String name, String labels, long value) {
        out.append(name).append('{').append(labels).append("} ").append(value).append('\n');
    }

    private static String label(String name, String value) {
        return name + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}

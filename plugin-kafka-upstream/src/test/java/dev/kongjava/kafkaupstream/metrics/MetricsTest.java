package dev.kongjava.kafkaupstream.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void rendersPrometheusTextWithCountersHistogramAndProducerGauges() {
        Metrics m = new Metrics();
        m.producers(() -> List.of(new Metrics.ProducerState("p1", 3, true)));
        m.request("orders", 200, 400_000); // 0.4 ms
        m.request("orders", 503, 2_000_000_000L); // 2 s
        m.delivered("orders");
        m.failed("orders");
        m.failed("orders");
        assertEquals("""
                # HELP kafka_upstream_requests_total HTTP requests answered, by default topic and status.
                # TYPE kafka_upstream_requests_total counter
                kafka_upstream_requests_total{topic="orders",status="200"} 1
                kafka_upstream_requests_total{topic="orders",status="503"} 1
                # HELP kafka_upstream_records_delivered_total Records the brokers acknowledged.
                # TYPE kafka_upstream_records_delivered_total counter
                kafka_upstream_records_delivered_total{topic="orders"} 1
                # HELP kafka_upstream_records_failed_total Records that could not be delivered.
                # TYPE kafka_upstream_records_failed_total counter
                kafka_upstream_records_failed_total{topic="orders"} 2
                # HELP kafka_upstream_request_duration_seconds Time the plugin spent on a request, from its first PDK call to its answer.
                # TYPE kafka_upstream_request_duration_seconds histogram
                kafka_upstream_request_duration_seconds_bucket{topic="orders",le="5.0E-4"} 1
                kafka_upstream_request_duration_seconds_bucket{topic="orders",le="0.001"} 1
                kafka_upstream_request_duration_seconds_bucket{topic="orders",le="0.0025"} 1
                kafka_upstream_request_duration_seconds_bucket{topic="orders",le="0.005"} 1
                kafka_upstream_request_duration_seconds_bucket{topic="orders",le="0.01"} 1
                kafka_upstream_request_duration_seconds_bucket{topic="orders",le="0.025"} 1
                kafka_upstream_request_duration_seconds_bucket{topic="orders",le="0.05"} 1
                kafka_upstream_request_duration_seconds_bucket{topic="orders",le="0.1"} 1
                kafka_upstream_request_duration_seconds_bucket{topic="orders",le="0.25"} 1
                kafka_upstream_request_duration_seconds_bucket{topic="orders",le="0.5"} 1
                kafka_upstream_request_duration_seconds_bucket{topic="orders",le="1.0"} 1
                kafka_upstream_request_duration_seconds_bucket{topic="orders",le="2.5"} 2
                kafka_upstream_request_duration_seconds_bucket{topic="orders",le="5.0"} 2
                kafka_upstream_request_duration_seconds_bucket{topic="orders",le="10.0"} 2
                kafka_upstream_request_duration_seconds_bucket{topic="orders",le="+Inf"} 2
                kafka_upstream_request_duration_seconds_sum{topic="orders"} 2.0004
                kafka_upstream_request_duration_seconds_count{topic="orders"} 2
                # HELP kafka_upstream_records_in_flight Records accepted and not yet acknowledged, per producer.
                # TYPE kafka_upstream_records_in_flight gauge
                kafka_upstream_records_in_flight{producer="p1"} 3
                # HELP kafka_upstream_producer_gated 1 while the async health gate refuses requests.
                # TYPE kafka_upstream_producer_gated gauge
                kafka_upstream_producer_gated{producer="p1"} 1
                # HELP kafka_upstream_producers Kafka producers open.
                # TYPE kafka_upstream_producers gauge
                kafka_upstream_producers 1
                """, m.render());
    }

    @Test
    void labelValuesAreEscaped() {
        Metrics m = new Metrics();
        m.delivered("a\"b\\c");
        assertEquals(true, m.render().contains("kafka_upstream_records_delivered_total{topic=\"a\\\"b\\\\c\"} 1\n"));
    }
}

package dev.kongjava.kafkaupstream.produce;

import dev.kongjava.kafkaupstream.config.KafkaUpstreamConfig;
import dev.kongjava.kafkaupstream.config.ProducerSettings;
import java.util.List;

/**
 * What makes two instances share a producer: their cluster_name when they have one (then the
 * first instance's settings are used), otherwise equal producer settings, buffer limit and health
 * gate settings.
 */
public final class PoolKey {
    private final Object identity;
    final ProducerSettings settings;
    final int maxInFlight;
    final KafkaUpstreamConfig.Health health;
    final String clusterName;

    public PoolKey(ProducerSettings settings, int maxInFlight, KafkaUpstreamConfig.Health health, String clusterName) {
        this.settings = settings;
        this.maxInFlight = maxInFlight;
        this.health = health;
        this.clusterName = clusterName;
        this.identity = clusterName != null ? "cluster_name:" + clusterName : List.of(settings, maxInFlight, health);
    }

    /** True when the producer of this key would be created differently from {@code other}'s. */
    boolean differsFrom(PoolKey other) {
        return !settings.equals(other.settings) || maxInFlight != other.maxInFlight || !health.equals(other.health);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoolKey other && identity.equals(other.identity);
    }

    @Override
    public int hashCode() {
        return identity.hashCode();
    }

    @Override
    public String toString() {
        return clusterName != null ? "cluster_name " + ProducerSettings.capped(clusterName) : settings.toString();
    }
}

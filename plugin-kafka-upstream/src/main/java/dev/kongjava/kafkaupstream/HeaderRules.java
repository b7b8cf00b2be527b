package dev.kongjava.kafkaupstream;

import dev.kongjava.pluginserver.pdk.MultiMap;
import dev.kongjava.pluginserver.schema.ConfigValues;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/** Which HTTP request headers become Kafka record headers, under which names (the {@code headers.*} config). */
record HeaderRules(boolean enabled, boolean allByDefault, Set<String> include, Set<String> exclude,
        Map<String, String> mappings, String repeated) {

    static HeaderRules from(ConfigValues c) {
        Map<String, String> mappings = new HashMap<>();
        c.map("headers.name_mappings").forEach((k, v) -> mappings.put(k.toLowerCase(Locale.ROOT), (String) v));
        return new HeaderRules(c.bool("headers.forward_http_headers_as_record_headers"),
                c.bool("headers.forward_all_by_default"), lower(c.strings("headers.include_headers")),
                lower(c.strings("headers.exclude_headers")), Map.copyOf(mappings),
                c.string("headers.repeated_headers_behavior"));
    }

    private static Set<String> lower(List<String> names) {
        return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** True when some header can be copied, so the request's headers must be read. */
    boolean active() {
        return enabled && (allByDefault || !include.isEmpty());
    }

    /** The record headers for {@code request} headers (lower-case names, Kong's order). */
    List<Header> select(MultiMap headers) {
        List<Header> out = new ArrayList<>();
        if (!active() || headers == null) {
            return out;
        }
        for (String name : headers.names()) {
            boolean wanted = allByDefault ? !exclude.contains(name) : include.contains(name);
            List<String> values = headers.all(name);
            if (!wanted || values.isEmpty()) {
                continue;
            }
            String recordName = mappings.getOrDefault(name, name);
            switch (repeated) {
                case "take_first" -> out.add(header(recordName, values.get(0)));
                case "concatenate_by_comma" -> out.add(header(recordName, String.join(", ", values)));
                default -> values.forEach(v -> out.add(header(recordName, v)));
            }
        }
        return out;
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }
}

package dev.kongjava.kafkaupstream.config;

import dev.kongjava.pluginserver.pdk.MultiMap;
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
public record HeaderRules(
        boolean enabled,
        boolean allByDefault,
        Set<String> include,
        Set<String> exclude,
        Map<String, String> mappings,
        HeaderFields.Repeated repeated) {

    static HeaderRules from(HeaderFields h) {
        Map<String, String> mappings = new HashMap<>();
        h.nameMappings().forEach((k, v) -> mappings.put(k.toLowerCase(Locale.ROOT), v));
        return new HeaderRules(
                h.forwardHttpHeadersAsRecordHeaders(),
                h.forwardAllByDefault(),
                lower(h.includeHeaders()),
                lower(h.excludeHeaders()),
                Map.copyOf(mappings),
                h.repeatedHeadersBehavior());
    }

    private static Set<String> lower(List<String> names) {
        return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** True when some header can be copied, so the request's headers must be read. */
    public boolean active() {
        return enabled && (allByDefault || !include.isEmpty());
    }

    /** The record headers for {@code request} headers (lower-case names, Kong's order). */
    public List<Header> select(MultiMap headers) {
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
                case TAKE_FIRST -> out.add(header(recordName, values.get(0)));
                case CONCATENATE_BY_COMMA -> out.add(header(recordName, String.join(", ", values)));
                case RETAIN_DUPLICATES -> values.forEach(v -> out.add(header(recordName, v)));
            }
        }
        return out;
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }
}

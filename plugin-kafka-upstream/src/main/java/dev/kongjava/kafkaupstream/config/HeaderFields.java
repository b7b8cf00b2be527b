package dev.kongjava.kafkaupstream.config;

import dev.kongjava.pluginserver.schema.Default;
import dev.kongjava.pluginserver.schema.Doc;
import dev.kongjava.pluginserver.schema.LenMin;
import java.util.List;
import java.util.Map;

/** Which HTTP request headers become record headers (see {@link HeaderRules}). */
record HeaderFields(
        @Default("true") @Doc("Copy selected HTTP request headers into Kafka record headers.")
        boolean forwardHttpHeadersAsRecordHeaders,

        @Default("false") @Doc("false: only include_headers are copied; true: all but exclude_headers.")
        boolean forwardAllByDefault,

        @Default("[]") @Doc("Header names copied in allowlist mode (case-insensitive).")
        List<@LenMin(1) String> includeHeaders,

        @Default("[]") @Doc("Header names never copied in blocklist mode (case-insensitive).")
        List<@LenMin(1) String> excludeHeaders,

        @Default("{}") @Doc("HTTP header name to record header name; unmapped names keep their lower-case name.")
        Map<String, @LenMin(1) String> nameMappings,

        @Default("retain_duplicates")
        @Doc("A repeated HTTP header: one record header per value, the first only, or values joined by ', '.")
        Repeated repeatedHeadersBehavior) {
    /** What becomes of an HTTP header that repeats. */
    enum Repeated {
        RETAIN_DUPLICATES,
        TAKE_FIRST,
        CONCATENATE_BY_COMMA
    }
}

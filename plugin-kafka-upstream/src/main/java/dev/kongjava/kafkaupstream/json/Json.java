package dev.kongjava.kafkaupstream.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The plugin's one ObjectMapper, for request bodies, Kong's Admin API and the schema registry. */
public final class Json {
    private Json() {}

    /**
     * Jackson's default buffer pool is per thread, and every request runs on a new virtual thread,
     * so it never recycled: a shared pool made that half of all allocation go away (bench part 2).
     * Trailing content after a JSON body is an error, not ignored.
     */
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
                    .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
}

package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README shows what the code does: its generated sections equal what the code generates now. */
class ReadmeTest {
    @Test
    void theGeneratedReadmeSectionsAreCurrent() throws Exception {
        Map<String, String> readme = ReadmeSections.current(Files.readString(ReadmeSections.README, StandardCharsets.UTF_8));
        Map<String, String> fresh = ReadmeSections.generated();
        assertEquals(fresh.keySet(), readme.keySet(), "README sections");
        for (Map.Entry<String, String> section : fresh.entrySet()) {
            assertEquals(section.getValue(), readme.get(section.getKey()),
                    "README section '" + section.getKey() + "' is stale: run scripts/update-readme.sh");
        }
    }
}

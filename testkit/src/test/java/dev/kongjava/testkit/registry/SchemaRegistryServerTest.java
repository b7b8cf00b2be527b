package dev.kongjava.testkit.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaRegistryServerTest {
    @Test
    void aMissingDistributionFailsNamingThePropertyAndTheArtifactToUnpack(@TempDir Path empty) {
        IllegalStateException error = assertThrows(
                IllegalStateException.class,
                () -> SchemaRegistryServer.builder().home(empty).start());

        assertEquals(
                "no Apicurio Registry distribution at " + empty + ": set the system property "
                        + "kongjava.schema-registry.home to the unpacked io.apicurio:apicurio-registry-app:<version>:tar.gz:all "
                        + "(the parent pom's unpack-schema-registry execution unpacks it in pre-integration-test when a module "
                        + "sets schema-registry.skip=false)",
                error.getMessage());
    }
}

package dev.kongjava.kafkaupstream.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * kafka-upstream's folders depend in one direction: the plugin, handler and main at the top use
 * config, record, produce, tls, metrics, registry and json, and those never reach back up or
 * around in a circle, so each can be read (and tested) without the ones above it.
 */
class PackageCyclesTest {
    private static final String ROOT = "dev.kongjava.kafkaupstream";
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void theFoldersHaveNoCycle() {
        assertTrue(
                MAIN.contain(ROOT + ".KafkaUpstreamHandler") && MAIN.contain(ROOT + ".record.Records"),
                "the main classes were imported");
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void noFolderUsesThePluginAtTheTop() {
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".*..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(ROOT)
                .check(MAIN);
    }
}

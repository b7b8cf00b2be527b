package dev.kongjava.pluginserver.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kongjava.pluginserver.plugin.Phase;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The compiled module-info of plugin-server: what it exports is the API, and nothing else. */
class ModuleDescriptorTest {
    @Test
    void theModuleExportsPluginPdkSchemaAndServerToEveryoneAndNothingElse() throws IOException {
        ModuleDescriptor module = descriptor();
        assertEquals("dev.kongjava.pluginserver", module.name());
        assertEquals(
                Set.of(
                        "dev.kongjava.pluginserver.plugin",
                        "dev.kongjava.pluginserver.pdk",
                        "dev.kongjava.pluginserver.schema",
                        "dev.kongjava.pluginserver.server"),
                module.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
        assertEquals(
                Set.of(),
                module.exports().stream()
                        .filter(ModuleDescriptor.Exports::isQualified)
                        .map(ModuleDescriptor.Exports::source)
                        .collect(Collectors.toSet()),
                "qualified exports");
        assertEquals(Set.of(), module.opens(), "opened packages");
    }

    @Test
    void theInternalPackagesAreInTheModuleButNotExported() throws IOException {
        ModuleDescriptor module = descriptor();
        Set<String> hidden = new TreeSet<>(module.packages());
        module.exports().forEach(e -> hidden.remove(e.source()));
        assertEquals(
                Set.of(
                        "dev.kongjava.pluginserver.internal",
                        "dev.kongjava.pluginserver.internal.event",
                        "dev.kongjava.pluginserver.internal.instance",
                        "dev.kongjava.pluginserver.internal.rpc"),
                hidden);
    }

    /** Read from the compiled classes, with the packages found there (javac records none in the file). */
    private static ModuleDescriptor descriptor() throws IOException {
        Path classes;
        try {
            classes = Path.of(Phase.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Set<String> packages;
        try (Stream<Path> files = Files.walk(classes)) {
            packages = files.filter(f -> f.toString().endsWith(".class")
                            && f.getParent() != null
                            && !f.getParent().equals(classes))
                    .map(f -> classes.relativize(f.getParent()).toString().replace(java.io.File.separatorChar, '.'))
                    .collect(Collectors.toSet());
        }
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            return ModuleDescriptor.read(in, () -> packages);
        }
    }
}

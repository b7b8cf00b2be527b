package dev.kongjava.pluginserver.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The protocol engine is plugin-server's alone: no Java source anywhere else in the repository
 * (plugin-kafka-upstream, testkit, examples, packaging, bench, and any module added later) uses
 * {@code dev.kongjava.pluginserver.internal}, by import or by full name. On the class path the
 * module's boundary is not enforced, so this keeps the other modules on the exported API.
 */
class InternalImportsTest {
    private static final Pattern INTERNAL = Pattern.compile("\\bdev\\.kongjava\\.pluginserver\\.internal\\b");
    /** Text blocks, strings, characters and comments: a class name in a string is no use of the class. */
    private static final Pattern NOT_CODE = Pattern.compile(
            "\"\"\"(?s:.*?)\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])*'|//[^\\n]*|/\\*(?s:.*?)\\*/");
    /** Build output, tools' downloads and VCS data hold no source of ours. */
    private static final Set<String> SKIPPED = Set.of("target", ".git", ".work", "node_modules");

    @Test
    void noSourceOutsidePluginServerUsesItsInternalPackages() throws IOException {
        Path repo = Path.of("").toAbsolutePath().getParent();
        assertTrue(Files.isDirectory(repo.resolve("plugin-server/src")), "not run from plugin-server/: " + repo);
        List<String> offenders = new ArrayList<>();
        for (Path file : javaSources(repo)) {
            if (!file.startsWith(repo.resolve("plugin-server")) && usesInternal(Files.readString(file))) {
                offenders.add(repo.relativize(file).toString());
            }
        }
        assertEquals(
                List.of(),
                offenders.stream().sorted().toList(),
                "these files use plugin-server's internal packages instead of its exported API");
    }

    @Test
    void anImportOrAFullNameInCodeCountsButAStringOrACommentDoesNot() {
        assertTrue(usesInternal("import dev.kongjava.pluginserver.internal.rpc.MsgpackCodec;"));
        assertTrue(usesInternal("import static dev.kongjava.pluginserver.internal.Protocol.RET;"));
        assertTrue(usesInternal("var c = new dev.kongjava.pluginserver.internal.rpc.MsgpackCodec(1);"));
        assertFalse(usesInternal("import dev.kongjava.pluginserver.plugin.Phase;"));
        assertFalse(usesInternal("AREAS.put(\"dev.kongjava.pluginserver.internal.rpc.MsgpackCodec\", \"codec\");"));
        assertFalse(usesInternal("// like dev.kongjava.pluginserver.internal.rpc.MsgpackCodec\nint x;"));
    }

    static boolean usesInternal(String source) {
        return INTERNAL.matcher(NOT_CODE.matcher(source).replaceAll("")).find();
    }

    private static List<Path> javaSources(Path repo) throws IOException {
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(repo, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                return SKIPPED.contains(dir.getFileName().toString())
                        ? FileVisitResult.SKIP_SUBTREE
                        : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (file.getFileName().toString().endsWith(".java")) {
                    files.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return files;
    }
}

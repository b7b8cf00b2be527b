package dev.kongjava.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs kong-config/kafka-upstream the way Kong does: {@code <shell> -c "exec <cmd>"} with a given (often empty) environment. */
final class Launcher {
    static final Path SCRIPT = RepoFiles.path("kong-config/kafka-upstream");

    /** What one run printed. */
    record Result(int exit, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** The arguments a fake java printed, one per line, after its marker line. */
        List<String> javaArgs() {
            List<String> lines = out().lines().toList();
            return lines.isEmpty() ? List.of() : lines.subList(1, lines.size());
        }
    }

    private Launcher() {}

    static Result run(List<String> shell, Path script, Map<String, String> env, String... args) {
        StringBuilder command = new StringBuilder("exec ").append(quote(script.toString()));
        for (String a : args) {
            command.append(' ').append(quote(a));
        }
        List<String> argv = new ArrayList<>(shell);
        argv.add("-c");
        argv.add(command.toString());
        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().clear();
        builder.environment().putAll(env);
        try {
            Process p = builder.start();
            p.getOutputStream().close();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("launcher did not finish: " + argv);
            }
            return new Result(p.exitValue(), out, new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Result run(Map<String, String> env, String... args) {
        return run(List.of("/bin/sh"), SCRIPT, env, args);
    }

    /** A Java home whose {@code bin/java} prints a marker and its arguments instead of running anything. */
    static Path fakeJavaHome(Path dir, String version) throws IOException {
        Path home = dir.resolve("jdk-" + version);
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"fake\"\nJAVA_VERSION=\"" + version + "\"\n");
        Path java = home.resolve("bin/java");
        Files.writeString(
                java, "#!/bin/sh\necho FAKE-" + version + "\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }

    /** A copy of the launcher in {@code dir}, so a config file and a jar can sit next to it. */
    static Path copyInto(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path copy = dir.resolve("kafka-upstream");
        Files.copy(SCRIPT, copy);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        return copy;
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

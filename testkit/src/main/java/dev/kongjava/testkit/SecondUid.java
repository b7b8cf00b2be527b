package dev.kongjava.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A second, unprivileged uid to run commands as, with resource limits: an attacker who is "any
 * local user", or a server whose threads or files are limited. Commands are wrapped as
 * {@code prlimit <limits> setpriv --reuid=U --regid=U --clear-groups <command>} (util-linux).
 *
 * <p>The uid is fresh and random, far above the system's ranges and without a passwd entry: the
 * kernel needs none, and per-uid limits such as RLIMIT_NPROC then count only this test's processes,
 * also when other builds run on the same machine. Needs root (as CI runs); without it
 * {@link #create()} fails, it never skips.
 */
public final class SecondUid implements AutoCloseable {
    private final int uid;
    private Path classPathCopy;

    private SecondUid(int uid) {
        this.uid = uid;
    }

    /** A uid no process and no passwd entry uses. */
    public static SecondUid create() {
        try {
            int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            if (me != 0) {
                throw new IllegalStateException(
                        "running a command as a second uid needs root (setpriv); this runs as uid " + me
                                + ". CI runs as root.");
            }
            String passwd = Files.readString(Path.of("/etc/passwd"));
            while (true) {
                int uid = ThreadLocalRandom.current().nextInt(1 << 24, Integer.MAX_VALUE - 1);
                if (!passwd.contains(":" + uid + ":") && !hasProcesses(uid)) {
                    return new SecondUid(uid);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int uid() {
        return uid;
    }

    /**
     * {@code command} as this uid (its own group, no supplementary groups) under {@code limits},
     * given as prlimit options, e.g. {@code --nproc=250} or {@code --nofile=1024} (soft and hard).
     */
    public List<String> command(List<String> command, String... limits) {
        List<String> wrapped = new ArrayList<>();
        wrapped.add("prlimit");
        wrapped.addAll(List.of(limits));
        wrapped.addAll(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups"));
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * {@link JavaProcess#command} for this uid: the class path is copied (jars hard-linked) into a
     * directory it can read, since the build's (e.g. under /root/.m2) is private to its owner.
     */
    public List<String> javaCommand(Class<?> mainClass, List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>(JavaProcess.command(mainClass, args));
        command.set(command.indexOf("-cp") + 1, readableClassPath());
        command.addAll(1, jvmOptions);
        if (!Files.isExecutable(Path.of(command.getFirst()))
                || command.getFirst().startsWith("/root/")) {
            throw new IllegalStateException(command.getFirst() + " is not a java the second uid can run");
        }
        return command;
    }

    /** Gives {@code dir} to this uid (mode 0755), e.g. for a socket it creates there. */
    public void own(Path dir) {
        try {
            Files.setAttribute(dir, "unix:uid", uid);
            Files.setAttribute(dir, "unix:gid", uid);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private synchronized String readableClassPath() {
        try {
            if (classPathCopy == null) {
                classPathCopy = Files.createTempDirectory("second-uid-cp");
                Files.setPosixFilePermissions(classPathCopy, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            List<String> entries = new ArrayList<>();
            String[] original = JavaProcess.classPath().split(java.io.File.pathSeparator);
            for (int i = 0; i < original.length; i++) {
                Path source = Path.of(original[i]);
                Path target = classPathCopy.resolve(i + "-" + source.getFileName());
                if (Files.exists(source) && !Files.exists(target)) {
                    copy(source, target);
                }
                entries.add(target.toString());
            }
            return String.join(java.io.File.pathSeparator, entries);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Hard links for jars (instant; their mode 0644 lets anyone read them), copies for class directories. */
    private static void copy(Path source, Path target) throws IOException {
        if (Files.isRegularFile(source)) {
            try {
                Files.createLink(target, source);
                return; // a link shares the original's mode: left as it is
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(source, target); // another file system
            }
        } else {
            try (Stream<Path> files = Files.walk(source)) {
                for (Path file : files.toList()) {
                    Files.copy(file, target.resolve(source.relativize(file).toString()));
                }
            }
        }
        try (Stream<Path> files = Files.walk(target)) {
            for (Path file : files.toList()) {
                Files.setPosixFilePermissions(
                        file, PosixFilePermissions.fromString(Files.isDirectory(file) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    private static boolean hasProcesses(int uid) throws IOException {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes
                    .filter(p -> p.getFileName().toString().matches("\\d+"))
                    .anyMatch(p -> {
                        try {
                            return (Integer) Files.getAttribute(p, "unix:uid") == uid;
                        } catch (IOException | RuntimeException e) {
                            return false; // the process ended meanwhile
                        }
                    });
        }
    }

    /** Deletes the class path copy; processes of this uid are the caller's to stop. */
    @Override
    public void close() {
        TempDirs.deleteQuietly(classPathCopy);
    }
}

package dev.kongjava.pluginserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.pluginserver.ProbePlugin;
import dev.kongjava.pluginserver.testing.TestServer;
import dev.kongjava.testkit.KongConnection;
import dev.kongjava.testkit.Prerequisites;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may talk to the socket, checked with a real second uid: a small Python client runs as the
 * user {@value #USER} (created if missing) through {@code setpriv}. Needs root (as in CI) and
 * /usr/bin/python3 (see {@link Prerequisites}).
 */
class PeerCredentialsIT {
    private static final String USER = "kongjava-peer";
    /** The system Python: a pyenv shim under root's home is not executable for the second user. */
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    /** Connects, sends [0, 1, "plugin.GetStatus", []] and says what happened, in one line. */
    private static final String CLIENT = String.join(
            "\n",
            "import socket, sys",
            "s = socket.socket(socket.AF_UNIX)",
            "try:",
            "    s.connect(sys.argv[1])",
            "except OSError as e:",
            "    print('connect failed: ' + e.strerror); sys.exit(0)",
            "data = b''",
            "try:",
            "    s.settimeout(5)",
            "    s.sendall(bytes([0x94, 0, 1, 0xb0]) + b'plugin.GetStatus' + bytes([0x90]))",
            "    while b'Pid' not in data:",
            "        chunk = s.recv(4096)",
            "        if not chunk: break",
            "        data += chunk",
            "except OSError:",
            "    pass",
            "print('served' if b'Pid' in data else 'disconnected without a reply')");

    private static int uid;
    private static int gid;

    @BeforeAll
    static void secondUser() throws Exception {
        int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        Prerequisites.require(
                "root",
                me == 0,
                () -> "PeerCredentialsIT needs root to run a client as a second uid (it runs as uid " + me + ")");
        Prerequisites.require(
                "python3",
                Files.isExecutable(PYTHON),
                () -> "PeerCredentialsIT needs " + PYTHON + " for its client (apt-get install python3)");
        if (run(List.of("id", "-u", USER)).exitCode != 0) {
            Result added =
                    run(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER));
            assertEquals(0, added.exitCode, "useradd " + USER + ": " + added.output);
        }
        uid = Integer.parseInt(run(List.of("id", "-u", USER)).output.strip());
        gid = Integer.parseInt(run(List.of("id", "-g", USER)).output.strip());
    }

    @Test
    void theDefaultOwnerOnlySocketRefusesAnotherUserAtConnect() throws Exception {
        try (TestServer s = TestServer.start(ProbePlugin.DEFINITION)) {
            openDirectory(s);
            assertEquals("connect failed: Permission denied", connectAs(uid, gid, s.socket()));
            assertEquals("served", connectAs(0, 0, s.socket()));
        }
    }

    @Test
    void aWorldWritableSocketStillDisconnectsAUidOutsideTheAllowlistAndLogsItOnce() throws Exception {
        try (TestServer s = TestServer.start(
                        o -> o.socketMode(PosixFilePermissions.fromString("rw-rw-rw-"))
                                .allowedUids(Set.of(0)),
                        ProbePlugin.DEFINITION);
                StderrLines log = StderrLines.capture("refused a connection from user " + USER)) {
            openDirectory(s);
            assertEquals("disconnected without a reply", connectAs(uid, gid, s.socket()));
            assertEquals("disconnected without a reply", connectAs(uid, gid, s.socket()));
            assertEquals(1, log.matches(), "the first refusal of a user is logged, later ones are not");
            assertEquals("served", connectAs(0, 0, s.socket()));
        }
    }

    @Test
    void aUidOnTheAllowlistIsServed() throws Exception {
        try (TestServer s = TestServer.start(
                o -> o.socketMode(PosixFilePermissions.fromString("rw-rw-rw-")).allowedUids(Set.of(0, uid)),
                ProbePlugin.DEFINITION)) {
            openDirectory(s);
            assertEquals("served", connectAs(uid, gid, s.socket()));
            try (KongConnection root = new KongConnection(s.socket())) {
                assertEquals(null, root.call(2, "plugin.GetStatus", List.of()).error());
            }
        }
    }

    @Test
    void withoutAnAllowlistAGroupWritableSocketAdmitsItsGroupAndNoOneElse() throws Exception {
        try (TestServer s = TestServer.start(
                o -> o.socketMode(PosixFilePermissions.fromString("rw-rw----")), ProbePlugin.DEFINITION)) {
            openDirectory(s);
            // the socket belongs to root's group 0: the same uid with that group may connect
            assertEquals("served", connectAs(uid, 0, s.socket()));
            assertEquals("connect failed: Permission denied", connectAs(uid, gid, s.socket()));
        }
    }

    /** The test's temp dir is 0700; the second user needs to reach the socket inside it. */
    private static void openDirectory(TestServer s) throws IOException {
        Files.setPosixFilePermissions(s.directory(), PosixFilePermissions.fromString("rwx--x--x"));
    }

    private static String connectAs(int asUid, int asGid, Path socket) throws Exception {
        Result r = run(List.of(
                "setpriv",
                "--reuid=" + asUid,
                "--regid=" + asGid,
                "--clear-groups",
                PYTHON.toString(),
                "-c",
                CLIENT,
                socket.toString()));
        assertEquals(0, r.exitCode, r.output);
        return r.output.strip();
    }

    private record Result(int exitCode, String output) {}

    private static Result run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        return new Result(p.exitValue(), output);
    }
}

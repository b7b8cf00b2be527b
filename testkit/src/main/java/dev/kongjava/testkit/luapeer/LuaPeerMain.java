package dev.kongjava.testkit.luapeer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Command line front end of {@link LuaPeer} for demos and benchmarks:
 * <pre>
 * java -cp testkit.jar:... dev.kongjava.testkit.luapeer.LuaPeerMain \
 *     --socket /tmp/kafka-upstream.socket --config routes.json \
 *     [--port 8000] [--workers 2] [--pool-size 256] [--body-buffer 8k] [--max-body 10m] \
 *     [--kong-version 3.9] [--log-level info] [--debug-headers] [--keep-prefix] \
 *     --query -- java -jar plugin-server.jar -dump
 * </pre>
 * Everything after {@code --query --} is the query command's argv. Prints the base URI and
 * the prefix, then runs until interrupted (Ctrl-C / SIGTERM stops nginx).
 */
public final class LuaPeerMain {

    private LuaPeerMain() {}

    public static void main(String[] args) throws Exception {
        if (!LuaPeer.available()) {
            System.err.println(LuaPeer.unavailableReason());
            System.exit(2);
        }
        LuaPeerBuilder b = LuaPeer.builder();
        List<String> query = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--socket" -> b.socketPath(Path.of(args[++i]));
                case "--config" -> b.declarativeConfig(Path.of(args[++i]));
                case "--port" -> b.port(Integer.parseInt(args[++i]));
                case "--workers" -> b.workers(Integer.parseInt(args[++i]));
                case "--pool-size" -> b.poolSize(Integer.parseInt(args[++i]));
                case "--body-buffer" -> b.bodyBufferSize(args[++i]);
                case "--max-body" -> b.maxBodySize(args[++i]);
                case "--kong-version" -> b.kongVersion(args[++i]);
                case "--log-level" -> b.logLevel(args[++i]);
                case "--socket-timeout" -> b.socketTimeout(Duration.ofMillis(Long.parseLong(args[++i])));
                case "--debug-headers" -> b.debugHeaders(true);
                case "--keep-prefix" -> b.keepPrefix(true);
                case "--query-shell" -> b.queryShellCommand(args[++i]);
                case "--query" -> {
                    int start = i + 1;
                    if (start < args.length && args[start].equals("--")) {
                        start++;
                    }
                    query = new ArrayList<>(Arrays.asList(args).subList(start, args.length));
                    i = args.length;
                }
                default -> {
                    System.err.println("unknown option " + a);
                    System.exit(2);
                }
            }
        }
        if (query != null) {
            b.queryCommand(query);
        }
        LuaPeer peer = b.start();
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            peer.close();
            done.countDown();
        }));
        System.out.println("kpeer listening on " + peer.baseUri() + " (prefix " + peer.prefix() + ", nginx pid "
                + peer.pid() + ")");
        System.out.flush();
        done.await();
    }
}

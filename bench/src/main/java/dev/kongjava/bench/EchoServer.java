package dev.kongjava.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;

/**
 * The physical limit of the PDK round trip: a raw MessagePack-RPC responder on a JDK Unix-domain
 * socket with no plugin server behind it. It reads each request whole (msgid, method, params) and
 * answers with a reply of exactly the shape our server sends ({@code {EventId, Data:{Method, Args}}}):
 * {@code steps} times {@code kong.request.get_header("x-bench")} after a HandleEvent, then
 * {@code kong.response.exit(200, "ok")}. So the client does identical work for every column.
 *
 * <pre>java -cp … dev.kongjava.bench.EchoServer &lt;socket&gt; &lt;steps&gt; [platform|virtual]</pre>
 */
public final class EchoServer {
    private static final Map<String, Object> GET_HEADER =
            Map.of("Method", "kong.request.get_header", "Args", List.of("x-bench"));
    private static final Map<String, Object> EXIT = Map.of("Method", "kong.response.exit", "Args", List.of(200, "ok"));

    private EchoServer() {}

    public static void main(String[] args) throws IOException {
        Path socket = Path.of(args[0]);
        int steps = Integer.parseInt(args[1]);
        boolean virtual = args.length > 2 && args[2].equals("virtual");
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket), 4096);
        System.err.println("echo listening on " + socket + " (" + (virtual ? "virtual" : "platform") + " threads)");
        while (true) {
            SocketChannel channel = server.accept();
            Runnable serve = () -> serve(channel, steps);
            if (virtual) {
                Thread.ofVirtual().start(serve);
            } else {
                Thread.ofPlatform().daemon().start(serve);
            }
        }
    }

    private static void serve(SocketChannel channel, int steps) {
        int eventId = 0;
        int step = 0;
        try (channel) {
            MessageUnpacker in = MessagePack.newDefaultUnpacker(channel);
            MessagePacker out = MessagePack.newDefaultPacker(channel);
            while (in.hasNext()) {
                in.unpackArrayHeader();
                in.unpackInt();
                long msgid = in.unpackLong();
                String method = in.unpackString();
                Msgpack.read(in); // params, decoded to Java values as the server does
                Object result;
                if (method.equals("plugin.StartInstance")) {
                    result = Map.of("Name", "echo", "Id", 1);
                } else {
                    if (method.equals("plugin.HandleEvent")) {
                        eventId++;
                        step = 0;
                    } else {
                        step++;
                    }
                    result = Map.of("EventId", eventId, "Data", step >= steps ? EXIT : GET_HEADER);
                }
                out.packArrayHeader(4);
                out.packInt(1);
                out.packLong(msgid);
                out.packNil();
                Msgpack.write(out, result);
                out.flush();
            }
        } catch (IOException e) {
            // client went away
        }
    }
}

package dev.kongjava.kafkaupstream;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What any local user can do to a loopback port: open {@code <connections>} connections to
 * {@code <port>}, send half an HTTP request on each that connected within 2 s, print how many,
 * and hold them all until stdin closes. Run by {@link MetricsEndpointAttackIT} as a second uid.
 */
public final class HalfRequestFlood {
    private HalfRequestFlood() {}

    public static void main(String[] args) throws Exception {
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0]));
        List<SocketChannel> held = new ArrayList<>();
        for (int i = 0; i < Integer.parseInt(args[1]); i++) {
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.connect(target); // completes later when the server's backlog is full
            held.add(channel);
        }
        Thread.sleep(2000);
        byte[] half = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII);
        int sent = 0;
        for (SocketChannel channel : held) {
            try {
                if (channel.finishConnect() && channel.write(ByteBuffer.wrap(half)) > 0) {
                    sent++;
                }
            } catch (java.io.IOException e) {
                // refused or reset by the server: it is the server's right
            }
        }
        System.out.println("half requests sent on " + sent + " of " + held.size() + " connections");
        System.out.flush();
        System.in.read(); // hold until the test closes our stdin
    }
}

package dev.kongjava.testkit.luapeer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ArrayValue;
import org.msgpack.value.MapValue;
import org.msgpack.value.Value;
import org.msgpack.value.ValueFactory;

/**
 * A minimal MessagePack plugin server for testing the Lua peer without our real server:
 * one plugin whose access handler calls a fixed list of PDK methods and then
 * {@code kong.response.exit(200, <summary of what it received, with wire types>)}.
 */
final class FakePluginServer implements AutoCloseable {

    static final String DUMP = """
            [{"Name":"fake","Version":"1.0.0","Priority":1000,"Phases":["access","log"],
              "Schema":{"name":"fake","fields":[{"config":{"type":"record","fields":[
                {"topic":{"type":"string","required":true,"len_min":1}},
                {"acks":{"type":"integer","default":1,"one_of":[-1,0,1]}},
                {"producer":{"type":"record","required":true,"fields":[
                    {"linger_ms":{"type":"integer","default":5,"between":[0,60000]}}]}},
                {"sasl":{"type":"record","fields":[{"user":{"type":"string","required":true}}]}},
                {"tags":{"type":"array","elements":{"type":"string"},"default":[]}}
              ]}}]}}]
            """;

    private final Path socket;
    private final ServerSocketChannel server;
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger nextInstance = new AtomicInteger(1000);
    private final AtomicInteger nextEvent = new AtomicInteger(1);
    private final Map<Integer, String> instances = new ConcurrentHashMap<>();
    private final Map<Integer, List<Value>> events = new ConcurrentHashMap<>();
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final List<String> startConfigs = Collections.synchronizedList(new ArrayList<>());
    final List<Long> closedIds = Collections.synchronizedList(new ArrayList<>());
    final List<Long> msgIds = Collections.synchronizedList(new ArrayList<>());
    /** The phase of every event an instance ran, in order. */
    final List<String> handledPhases = Collections.synchronizedList(new ArrayList<>());

    volatile long pid = 4242;
    private volatile boolean closed;

    FakePluginServer(Path socket) throws IOException {
        this.socket = socket;
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket), 512);
        pool.execute(this::acceptLoop);
    }

    /** Forget all instances, as if the server had restarted (ids are never reused). */
    void forgetInstances() {
        instances.clear();
    }

    int instanceCount() {
        return instances.size();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel c = server.accept();
                pool.execute(() -> serve(c));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SocketChannel c) {
        try (c;
                InputStream in = Channels.newInputStream(c);
                OutputStream out = Channels.newOutputStream(c)) {
            // [2, "serverPid", pid] right after accept, like go-pluginserver
            MessageBufferPacker note = MessagePack.newDefaultBufferPacker();
            note.packArrayHeader(3).packInt(2).packString("serverPid").packLong(pid);
            out.write(note.toByteArray());
            out.flush();
            MessageUnpacker u = MessagePack.newDefaultUnpacker(in);
            while (u.hasNext()) {
                ArrayValue req = u.unpackValue().asArrayValue();
                long msgId = req.get(1).asIntegerValue().toLong();
                String method = req.get(2).asStringValue().asString();
                ArrayValue params = req.get(3).asArrayValue();
                calls.add(method);
                msgIds.add(msgId);
                Value result;
                String error = null;
                try {
                    result = dispatch(method, params);
                } catch (IllegalStateException e) {
                    result = ValueFactory.newNil();
                    error = e.getMessage();
                }
                MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
                p.packArrayHeader(4).packInt(1).packLong(msgId);
                if (error != null) {
                    p.packString(error);
                } else {
                    p.packNil();
                }
                p.packValue(result);
                out.write(p.toByteArray());
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            // connection closed
        }
    }

    private static final List<Value[]> SCRIPT = List.of(
            call("kong.request.get_method"),
            call("kong.request.get_header", ValueFactory.newString("x-missing")),
            call("kong.request.get_query"),
            call("kong.request.get_raw_body", ValueFactory.newInteger(0)),
            call("kong.request.get_headers"),
            call("kong.router.get_route"));

    private static Value[] call(String method, Value... args) {
        Value[] v = new Value[args.length + 1];
        v[0] = ValueFactory.newString(method);
        System.arraycopy(args, 0, v, 1, args.length);
        return v;
    }

    private static Value callback(Value[] c) {
        List<Value> args = new ArrayList<>();
        for (int i = 1; i < c.length; i++) {
            args.add(c[i]);
        }
        return map("Method", c[0], "Args", ValueFactory.newArray(args));
    }

    private static MapValue map(Object... kv) {
        Map<Value, Value> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(ValueFactory.newString((String) kv[i]), (Value) kv[i + 1]);
        }
        return ValueFactory.newMap(m);
    }

    private Value dispatch(String method, ArrayValue params) {
        switch (method) {
            case "plugin.StartInstance" -> {
                MapValue m = params.get(0).asMapValue();
                String config = get(m, "Config").asStringValue().asString();
                int id = nextInstance.getAndIncrement();
                instances.put(id, config);
                startConfigs.add(config);
                return map(
                        "Name",
                        get(m, "Name"),
                        "Id",
                        ValueFactory.newInteger(id),
                        "Config",
                        ValueFactory.newMap(Map.of()),
                        "StartTime",
                        ValueFactory.newFloat(System.currentTimeMillis() / 1000.0));
            }
            case "plugin.CloseInstance" -> {
                long id = params.get(0).asIntegerValue().toLong();
                closedIds.add(id);
                if (instances.remove((int) id) == null) {
                    throw new IllegalStateException("No plugin instance " + id);
                }
                return map("Id", ValueFactory.newInteger(id));
            }
            case "plugin.HandleEvent" -> {
                MapValue m = params.get(0).asMapValue();
                long iid = get(m, "InstanceId").asIntegerValue().toLong();
                if (!instances.containsKey((int) iid)) {
                    throw new IllegalStateException("No plugin instance " + iid);
                }
                int eid = nextEvent.getAndIncrement();
                String phase = get(m, "EventName").asStringValue().asString();
                handledPhases.add(phase);
                if (!phase.equals("access")) {
                    return map("EventId", ValueFactory.newInteger(eid), "Data", ValueFactory.newString("ret"));
                }
                events.put(eid, Collections.synchronizedList(new ArrayList<>()));
                return map("EventId", ValueFactory.newInteger(eid), "Data", callback(SCRIPT.get(0)));
            }
            default -> {
                if (!method.startsWith("plugin.Step")) {
                    throw new IllegalStateException("method " + method + " not implemented");
                }
                MapValue m = params.get(0).asMapValue();
                int eid = (int) get(m, "EventId").asIntegerValue().toLong();
                List<Value> replies = events.get(eid);
                if (replies == null) {
                    throw new IllegalStateException("event id " + eid + " not found");
                }
                Value data = get(m, "Data");
                replies.add(data == null ? ValueFactory.newString("<absent>") : data);
                replies.add(ValueFactory.newString(method));
                int next = replies.size() / 2;
                if (next < SCRIPT.size()) {
                    return map("EventId", ValueFactory.newInteger(eid), "Data", callback(SCRIPT.get(next)));
                }
                events.remove(eid);
                String summary = summary(replies);
                Value exit = map(
                        "Method",
                        ValueFactory.newString("kong.response.exit"),
                        "Args",
                        ValueFactory.newArray(
                                ValueFactory.newInteger(200),
                                ValueFactory.newString(summary),
                                map(
                                        "Content-Type",
                                        ValueFactory.newString("application/json"),
                                        "X-Multi",
                                        ValueFactory.newArray(
                                                ValueFactory.newString("a"), ValueFactory.newString("b")))));
                return map("EventId", ValueFactory.newInteger(eid), "Data", exit);
            }
        }
    }

    private static Value get(MapValue m, String key) {
        return m.map().get(ValueFactory.newString(key));
    }

    /** JSON describing each reply: its msgpack type, the Step method and the value. */
    private static String summary(List<Value> replies) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < replies.size(); i += 2) {
            Value v = replies.get(i);
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"type\":\"")
                    .append(v.getValueType())
                    .append("\",\"step\":\"")
                    .append(replies.get(i + 1).asStringValue().asString())
                    .append("\",\"value\":")
                    .append(v.isBinaryValue() ? "\"" + v.asBinaryValue().asByteArray().length + " bytes\"" : v.toJson())
                    .append('}');
        }
        return sb.append(']').toString();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        pool.shutdownNow();
        Files.deleteIfExists(socket);
    }
}

package dev.kongjava.pluginserver.pdk;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The Kong PDK as seen by one event of a plugin: one accessor per Kong module, each method a
 * single call with the literal Kong name. Calls block the (virtual) thread until Kong answers.
 */
public final class Kong {
    private final Bridge bridge;
    private final Request request;
    private final Response response;
    private final Service service;
    private final ServiceRequest serviceRequest;
    private final ServiceResponse serviceResponse;
    private final Client client;
    private final Router router;
    private final Node node;
    private final Log log;
    private final Ctx ctx;
    private final Nginx nginx;
    private final Ip ip;

    private Kong(Bridge bridge) {
        this.bridge = Objects.requireNonNull(bridge, "bridge");
        this.request = new Request(bridge);
        this.response = new Response(bridge);
        this.service = new Service(bridge);
        this.serviceRequest = new ServiceRequest(bridge);
        this.serviceResponse = new ServiceResponse(bridge);
        this.client = new Client(bridge);
        this.router = new Router(bridge);
        this.node = new Node(bridge);
        this.log = new Log(bridge);
        this.ctx = new Ctx(bridge);
        this.nginx = new Nginx(bridge);
        this.ip = new Ip(bridge);
    }

    /** A PDK whose calls go through {@code bridge}; the server makes one per event. */
    public static Kong over(Bridge bridge) {
        return new Kong(bridge);
    }

    /** {@code kong.request}. */
    public Request request() {
        return request;
    }

    /** {@code kong.response}. */
    public Response response() {
        return response;
    }

    /** {@code kong.service}. */
    public Service service() {
        return service;
    }

    /** {@code kong.service.request}. */
    public ServiceRequest serviceRequest() {
        return serviceRequest;
    }

    /** {@code kong.service.response}. */
    public ServiceResponse serviceResponse() {
        return serviceResponse;
    }

    /** {@code kong.client}. */
    public Client client() {
        return client;
    }

    /** {@code kong.router}. */
    public Router router() {
        return router;
    }

    /** {@code kong.node}. */
    public Node node() {
        return node;
    }

    /** {@code kong.log}. */
    public Log log() {
        return log;
    }

    /** {@code kong.ctx.shared}. */
    public Ctx ctx() {
        return ctx;
    }

    /** {@code kong.nginx}. */
    public Nginx nginx() {
        return nginx;
    }

    /** {@code kong.ip}. */
    public Ip ip() {
        return ip;
    }

    /**
     * Any Kong function by its Lua path, for what the typed modules do not cover yet
     * (e.g. {@code kong.plugin.get_id}); returns Kong's first return value as decoded.
     */
    public @Nullable Object call(String method, @Nullable Object... args) {
        return bridge.call(method, args);
    }
}

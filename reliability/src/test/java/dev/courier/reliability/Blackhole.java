package dev.courier.reliability;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

/**
 * A TCP proxy in this JVM (netcrusher) on a free loopback port in front of the broker. {@link #freeze()} makes it a
 * blackhole: every open connection stays open but nothing is forwarded either way, and new connections are not
 * accepted (they wait in the listen backlog), as when a network path silently drops packets. No root, no Docker.
 */
final class Blackhole implements AutoCloseable {
    private final NioReactor reactor;
    private final TcpCrusher crusher;
    private final int port;

    private Blackhole(NioReactor reactor, TcpCrusher crusher, int port) {
        this.reactor = reactor;
        this.crusher = crusher;
        this.port = port;
    }

    /** Opens a proxy that forwards to the broker of {@link Services#RABBITMQ_URI}. */
    static Blackhole toBroker() {
        InetSocketAddress broker = Services.rabbitAddress();
        NioReactor reactor = null;
        try {
            int port = freePort();
            reactor = new NioReactor();
            TcpCrusher crusher = TcpCrusherBuilder.builder().withReactor(reactor)
                    .withBindAddress("127.0.0.1", port)
                    .withConnectAddress(broker.getHostString(), broker.getPort())
                    .buildAndOpen();
            return new Blackhole(reactor, crusher, port);
        } catch (IOException | RuntimeException e) {
            if (reactor != null) {
                reactor.close();
            }
            throw new AssertionError("cannot open a TCP proxy in front of " + broker, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** {@link Services#RABBITMQ_URI} with its host and port replaced by the proxy's. */
    String uri() {
        URI broker = URI.create(Services.RABBITMQ_URI);
        return broker.getScheme() + "://" + (broker.getRawUserInfo() != null ? broker.getRawUserInfo() + "@" : "")
                + "127.0.0.1:" + port + (broker.getRawPath() != null ? broker.getRawPath() : "")
                + (broker.getRawQuery() != null ? "?" + broker.getRawQuery() : "");
    }

    /** Stops forwarding in both directions on every connection, and stops accepting; sockets stay open. */
    void freeze() {
        crusher.freeze();
    }

    void unfreeze() {
        crusher.unfreeze();
    }

    boolean frozen() {
        return crusher.isFrozen();
    }

    /** Connections the proxy has accepted so far, open or closed since. */
    int connectionsAccepted() {
        return crusher.getClientTotalCount();
    }

    @Override
    public void close() {
        try {
            crusher.close();
        } finally {
            reactor.close();
        }
    }
}

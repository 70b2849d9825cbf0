package dev.crossbar.kafka.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback ports for the embedded broker: a free one when none is asked for, a clear error when one is taken. */
final class Ports {
    static final String HOST = "127.0.0.1";

    private Ports() {}

    /** {@code requested} if it is free, a free port if it is 0. */
    static int resolve(int requested) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), requested));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new EmbeddedKafkaException("port " + requested + " on " + HOST + " is not free for the embedded broker: "
                    + e.getMessage(), e);
        }
    }

    /** True when nothing listens on {@code port} of 127.0.0.1. */
    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

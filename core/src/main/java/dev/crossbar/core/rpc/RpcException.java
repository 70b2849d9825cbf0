package dev.crossbar.core.rpc;

/** A JSON-RPC call that did not produce a result. */
public abstract sealed class RpcException extends RuntimeException
        permits RpcException.Transport, RpcException.Remote, RpcException.Malformed {

    protected RpcException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The endpoint could not be reached, failed with an HTTP error or did not answer in time; behind
     * {@code FailoverEthApi}, none of the chain's endpoints could.
     */
    public static final class Transport extends RpcException {
        public Transport(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The node answered with a JSON-RPC error object. */
    public static final class Remote extends RpcException {
        private final int code;
        private final String data;

        public Remote(String method, int code, String message, String data) {
            super(method + " failed: " + message + " (code " + code + ")", null);
            this.code = code;
            this.data = data;
        }

        public int code() {
            return code;
        }

        /** The error's {@code data}, e.g. revert data of a failed {@code eth_call}; may be null. */
        public String data() {
            return data;
        }

        /** The node's own message, without our prefix. */
        public String remoteMessage() {
            String m = getMessage();
            int colon = m.indexOf(" failed: ");
            int paren = m.lastIndexOf(" (code ");
            return colon < 0 || paren < 0 ? m : m.substring(colon + " failed: ".length(), paren);
        }
    }

    /** The node answered something that is not a JSON-RPC response, or a result that makes no sense. */
    public static final class Malformed extends RpcException {
        public Malformed(String message) {
            super(message, null);
        }

        public Malformed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

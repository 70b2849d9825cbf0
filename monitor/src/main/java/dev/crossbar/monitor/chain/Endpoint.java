package dev.crossbar.monitor.chain;

import dev.crossbar.core.chain.EthApi;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.Transaction;

/**
 * One JSON-RPC endpoint of a chain, asked on its own (no failover), so that what different endpoints say can be
 * compared. Calls block; the monitor runs them on its own threads.
 */
public interface Endpoint {
    /** A name for logs and evidence: the chain and the endpoint's position, never its URL (it may hold a key). */
    String label();

    /** Its latest block number. */
    long head();

    /** The latest block's header. */
    EthApi.Header latest();

    /** The header of block {@code number}; empty when the endpoint does not have it (yet). */
    Optional<EthApi.Header> header(long number);

    /** The storage root of {@code account} at {@code block} ({@code eth_getProof}). */
    String storageRoot(String account, long block);

    /** {@code eth_getProof} of {@code account} and {@code slots} at {@code block}. */
    org.web3j.protocol.core.methods.response.EthGetProof.Proof proof(String account, List<String> slots, long block);

    /** Storage slot {@code slot} of {@code account} at {@code block}. */
    BigInteger storageAt(String account, String slot, long block);

    /**
     * {@code eth_call} at {@code blockTag} (a hex number or {@code latest}).
     *
     * @throws CallReverted when the call reverts
     */
    String call(String to, String data, String blockTag);

    /** Logs of {@code address} with first topic {@code topic0} in blocks {@code from..to}. */
    List<Log> logs(String address, String topic0, long from, long to);

    /** A transaction by hash; empty when the endpoint does not know it. */
    Optional<Transaction> transaction(String hash);

    /** A call that reverted, with the node's message. */
    final class CallReverted extends RuntimeException {
        public CallReverted(String message) {
            super(message);
        }
    }
}

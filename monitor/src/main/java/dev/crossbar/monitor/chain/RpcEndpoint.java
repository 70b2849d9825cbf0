package dev.crossbar.monitor.chain;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.rpc.RpcException;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.web3j.protocol.core.methods.response.EthGetProof;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.Transaction;

/**
 * An {@link Endpoint} over an {@link EthApi} (one URL, or a failover list for the chain's primary view): its
 * calls, their waits and their retries are the API's; this adds the label that names it in evidence.
 */
public final class RpcEndpoint implements Endpoint {
    private final String label;
    private final EthApi chain;

    public RpcEndpoint(String label, EthApi chain) {
        this.label = label;
        this.chain = chain;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public long head() {
        return chain.blockNumber();
    }

    @Override
    public EthApi.Header latest() {
        return chain.findHeader("latest").orElseThrow(() -> new RpcException.Malformed(label + ": no latest block"));
    }

    @Override
    public Optional<EthApi.Header> header(long number) {
        return chain.findHeader(EthApi.hex(number));
    }

    @Override
    public String storageRoot(String account, long block) {
        return proof(account, List.of(), block).getStorageHash().toLowerCase(Locale.ROOT);
    }

    @Override
    public EthGetProof.Proof proof(String account, List<String> slots, long block) {
        return chain.proof(account, slots, block);
    }

    @Override
    public BigInteger storageAt(String account, String slot, long block) {
        return chain.storageAt(account, slot, block);
    }

    @Override
    public String call(String to, String data, String blockTag) {
        try {
            return chain.callAt(to, data, blockTag);
        } catch (EthApi.Reverted e) {
            throw new CallReverted(e.getMessage() + (e.data() == null ? "" : " " + e.data()));
        }
    }

    @Override
    public List<Log> logs(String address, String topic0, long from, long to) {
        return chain.logs(address, topic0, from, to);
    }

    @Override
    public Optional<Transaction> transaction(String hash) {
        return chain.transaction(hash);
    }
}

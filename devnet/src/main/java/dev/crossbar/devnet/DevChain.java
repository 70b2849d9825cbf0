package dev.crossbar.devnet;

import java.math.BigInteger;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * A devnet chain as the devnet's own tooling (deployer, operator, tests) talks to it: web3j over
 * HTTP, plus anvil's extra methods. The services do not use this class; they have their own
 * clients with failover.
 */
public final class DevChain implements AutoCloseable {
    /** Generous fixed limits: devnet tooling does not estimate gas. */
    public static final ContractGasProvider GAS = new StaticGasProvider(
            BigInteger.valueOf(50_000_000_000L), BigInteger.valueOf(12_000_000));

    private final String name;
    private final long chainId;
    private final String rpcUrl;
    private final String wsUrl;
    private final HttpService service;
    private final Web3j web3j;
    private final AnvilRpc anvil;

    public DevChain(String name, long chainId, String rpcUrl, String wsUrl) {
        this.name = name;
        this.chainId = chainId;
        this.rpcUrl = rpcUrl;
        this.wsUrl = wsUrl;
        this.service = new HttpService(rpcUrl);
        this.web3j = Web3j.build(service, 100, java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "devchain-" + name);
            t.setDaemon(true);
            return t;
        }));
        this.anvil = new AnvilRpc(service);
    }

    public static DevChain of(DevnetManifest.Chain chain) {
        return new DevChain(chain.name(), chain.chainId(), chain.rpcUrl(), chain.wsUrl());
    }

    public String name() {
        return name;
    }

    public long chainId() {
        return chainId;
    }

    public String rpcUrl() {
        return rpcUrl;
    }

    public String wsUrl() {
        return wsUrl;
    }

    public Web3j web3j() {
        return web3j;
    }

    public AnvilRpc anvil() {
        return anvil;
    }

    /** A transaction manager for {@code key} that polls for receipts every 100 ms. */
    public TransactionManager txManager(Credentials key) {
        return new RawTransactionManager(web3j, key, chainId,
                new PollingTransactionReceiptProcessor(web3j, 100, 1200));
    }

    public BigInteger blockNumber() throws java.io.IOException {
        return web3j.ethBlockNumber().send().getBlockNumber();
    }

    @Override
    public void close() {
        web3j.shutdown();
    }
}

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

    /** The tip {@link #sendWithAccessList} offers. */
    private static final BigInteger TIP = BigInteger.valueOf(1_000_000_000L);

    /**
     * Sends a call as {@code key} in an EIP-1559 transaction carrying {@code accessList} (web3j's contract bindings
     * send none), with {@link #GAS}'s limits and a 1 gwei tip, and waits for its receipt. An interop relay declares
     * its executing messages this way.
     *
     * @throws java.io.IOException when the node refuses the transaction, naming its reason
     */
    public org.web3j.protocol.core.methods.response.TransactionReceipt sendWithAccessList(Credentials key, String to,
            String data, BigInteger value, java.util.List<org.web3j.crypto.AccessListObject> accessList)
            throws java.io.IOException, org.web3j.protocol.exceptions.TransactionException {
        return sendSigned(signWithAccessList(key, to, data, value, accessList), to);
    }

    /**
     * {@link #sendWithAccessList} with the tip {@code tip}, without waiting for the receipt.
     *
     * @return the transaction's hash
     */
    public String broadcastWithAccessList(Credentials key, String to, String data, BigInteger value,
            java.util.List<org.web3j.crypto.AccessListObject> accessList, BigInteger tip) throws java.io.IOException {
        return broadcast(signWithAccessList(key, to, data, value, accessList, tip), to);
    }

    /**
     * The signed bytes (hex) of the transaction {@link #sendWithAccessList} sends, at {@code key}'s pending nonce,
     * for a caller that needs its hash before it is sent ({@code Hash.sha3} of the bytes).
     */
    public String signWithAccessList(Credentials key, String to, String data, BigInteger value,
            java.util.List<org.web3j.crypto.AccessListObject> accessList) throws java.io.IOException {
        return signWithAccessList(key, to, data, value, accessList, TIP);
    }

    private String signWithAccessList(Credentials key, String to, String data, BigInteger value,
            java.util.List<org.web3j.crypto.AccessListObject> accessList, BigInteger tip) throws java.io.IOException {
        BigInteger nonce = web3j.ethGetTransactionCount(key.getAddress(),
                org.web3j.protocol.core.DefaultBlockParameterName.PENDING).send().getTransactionCount();
        org.web3j.crypto.RawTransaction raw = org.web3j.crypto.RawTransaction.createTransaction(chainId, nonce,
                GAS.getGasLimit(), to, value, data, tip, GAS.getGasPrice().max(tip), accessList);
        return org.web3j.utils.Numeric.toHexString(org.web3j.crypto.TransactionEncoder.signMessage(raw, key));
    }

    /**
     * Sends a signed transaction (hex) to {@code to} and waits for its receipt.
     *
     * @throws java.io.IOException when the node refuses the transaction, naming its reason
     */
    public org.web3j.protocol.core.methods.response.TransactionReceipt sendSigned(String signed, String to)
            throws java.io.IOException, org.web3j.protocol.exceptions.TransactionException {
        return new PollingTransactionReceiptProcessor(web3j, 100, 1200).waitForTransactionReceipt(
                broadcast(signed, to));
    }

    /** Broadcasts a signed transaction (hex) to {@code to}: its hash, or the node's refusal as an IOException. */
    private String broadcast(String signed, String to) throws java.io.IOException {
        var sent = web3j.ethSendRawTransaction(signed).send();
        if (sent.hasError()) {
            throw new java.io.IOException(name + " refused the transaction to " + to + ": "
                    + sent.getError().getMessage());
        }
        return sent.getTransactionHash();
    }

    public BigInteger blockNumber() throws java.io.IOException {
        return web3j.ethBlockNumber().send().getBlockNumber();
    }

    /**
     * Places at {@code address} the runtime code that {@code creationCode} (constructor arguments appended) deploys,
     * as a genesis does for predeploys: the code is built with an {@code eth_call} of the creation code and set with
     * {@code anvil_setCode}. Only faithful for contracts whose constructor sets no storage.
     */
    public void placeRuntime(String address, String creationCode) throws java.io.IOException {
        org.web3j.protocol.core.methods.response.EthCall result = web3j().ethCall(
                org.web3j.protocol.core.methods.request.Transaction.createEthCallTransaction(DevKeys.DEPLOYER.address(),
                        null, creationCode), org.web3j.protocol.core.DefaultBlockParameterName.LATEST).send();
        if (result.hasError() || result.getValue() == null || result.getValue().length() <= 2) {
            String why = result.hasError() ? result.getError().getMessage() : "empty runtime code";
            throw new java.io.IOException("cannot build the runtime code for " + address + " on " + name() + ": " + why);
        }
        anvil().setCode(address, result.getValue());
    }

    @Override
    public void close() {
        web3j.shutdown();
    }
}

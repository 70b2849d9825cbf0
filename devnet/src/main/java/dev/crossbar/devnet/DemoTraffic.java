package dev.crossbar.devnet;

import dev.crossbar.contracts.bindings.DemoTarget;
import dev.crossbar.contracts.bindings.L1Messenger;
import dev.crossbar.contracts.bindings.L2Messenger;
import dev.crossbar.contracts.bindings.L2ToL2CrossDomainMessenger;
import dev.crossbar.contracts.bindings.Multicall3;
import dev.crossbar.contracts.bindings.Portal;
import dev.crossbar.core.protocol.Predeploys;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * Sends the devnet's demo traffic: each message pings a DemoTarget on its destination chain with a
 * note, so that its arrival can be seen on chain.
 */
public final class DemoTraffic {
    private static final BigInteger GAS_LIMIT = BigInteger.valueOf(300_000);

    private final Devnet devnet;
    private final Credentials user;

    public DemoTraffic(Devnet devnet, Credentials user) {
        this.devnet = devnet;
        this.user = user;
    }

    /** An L1-to-L2 message through the L2's L1Messenger (a deposit into the L2's messenger). */
    public TransactionReceipt deposit(int l2Index, String note, BigInteger value) throws Exception {
        DevnetManifest.Chain l2 = devnet.manifest().l2s().get(l2Index);
        DevChain l1 = devnet.l1();
        L1Messenger messenger = L1Messenger.load(l1Messenger(l2), l1.web3j(), l1.txManager(user), DevChain.GAS);
        return messenger.sendMessage(l2.contract("demoTarget"), ping(l2Index, note), GAS_LIMIT, value).send();
    }

    /** A plain Portal deposit of ether to {@code to} on the L2 (no call). */
    public TransactionReceipt depositEther(int l2Index, String to, BigInteger mint) throws Exception {
        DevnetManifest.Chain l2 = devnet.manifest().l2s().get(l2Index);
        DevChain l1 = devnet.l1();
        // OptimismPortal2's depositTransaction has the Bedrock signature our Portal keeps.
        Portal portal = Portal.load(l2.faultProofs() != null ? l2.faultProofs().portal() : l2.settlement().portal(),
                l1.web3j(), l1.txManager(user), DevChain.GAS);
        return portal.depositTransaction(to, mint, BigInteger.valueOf(100_000), false, new byte[0], mint).send();
    }

    /** An L2-to-L1 message through the L2's messenger: a withdrawal that pings the L1's DemoTarget. */
    public TransactionReceipt withdrawal(int l2Index, String note, BigInteger value) throws Exception {
        DevChain l2 = devnet.l2(l2Index);
        L2Messenger messenger = L2Messenger.load(Predeploys.L2_CROSS_DOMAIN_MESSENGER, l2.web3j(), l2.txManager(user),
                DevChain.GAS);
        String target = devnet.manifest().l1().contract("demoTarget");
        return messenger.sendMessage(target, pingData(devnet.l1(), target, note), GAS_LIMIT, value).send();
    }

    /** A fast L2-to-L2 message from one L2 to another, pinging the destination's DemoTarget. */
    public TransactionReceipt crossRollup(int sourceIndex, int destinationIndex, String note) throws Exception {
        DevChain source = devnet.l2(sourceIndex);
        DevnetManifest.Chain dest = devnet.manifest().l2s().get(destinationIndex);
        L2ToL2CrossDomainMessenger messenger = L2ToL2CrossDomainMessenger.load(Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, source.web3j(),
                source.txManager(user), DevChain.GAS);
        return messenger.sendMessage(BigInteger.valueOf(dest.chainId()), dest.contract("demoTarget"),
                ping(destinationIndex, note)).send();
    }

    /**
     * A settled cross-rollup message (L2 to L1 to L2): a withdrawal from L2 {@code sourceIndex} whose call on L1 is the
     * destination L2's L1Messenger sending the ping on, as a deposit into L2 {@code destinationIndex}. Slow (one
     * challenge window) but trust-minimized.
     */
    public TransactionReceipt settled(int sourceIndex, int destinationIndex, String note) throws Exception {
        DevChain source = devnet.l2(sourceIndex);
        DevnetManifest.Chain dest = devnet.manifest().l2s().get(destinationIndex);
        String destL1Messenger = l1Messenger(dest);
        L1Messenger onL1 = L1Messenger.load(destL1Messenger, devnet.l1().web3j(), devnet.l1().txManager(user),
                DevChain.GAS);
        byte[] forward = Numeric.hexStringToByteArray(onL1.sendMessage(dest.contract("demoTarget"),
                ping(destinationIndex, note), GAS_LIMIT, BigInteger.ZERO).encodeFunctionCall());
        L2Messenger messenger = L2Messenger.load(Predeploys.L2_CROSS_DOMAIN_MESSENGER, source.web3j(),
                source.txManager(user), DevChain.GAS);
        return messenger.sendMessage(destL1Messenger, forward, BigInteger.valueOf(600_000), BigInteger.ZERO).send();
    }

    /**
     * Sends {@code perTx} L2-to-L2 messages from L2 {@code sourceIndex} to L2 {@code destinationIndex} in one
     * transaction, through the source chain's Multicall3: protocol events in bulk.
     */
    public TransactionReceipt crossRollupBatch(int sourceIndex, int destinationIndex, int perTx, String note)
            throws Exception {
        DevChain source = devnet.l2(sourceIndex);
        DevnetManifest.Chain dest = devnet.manifest().l2s().get(destinationIndex);
        L2ToL2CrossDomainMessenger messenger = L2ToL2CrossDomainMessenger.load(Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, source.web3j(),
                source.txManager(user), DevChain.GAS);
        byte[] send = Numeric.hexStringToByteArray(messenger.sendMessage(BigInteger.valueOf(dest.chainId()),
                dest.contract("demoTarget"), ping(destinationIndex, note)).encodeFunctionCall());
        List<Multicall3.Call3> calls = new ArrayList<>();
        for (int i = 0; i < perTx; i++) {
            calls.add(new Multicall3.Call3(Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, false, send));
        }
        Multicall3 multicall = Multicall3.load(devnet.manifest().l2s().get(sourceIndex).contract("multicall3"),
                source.web3j(), source.txManager(user), DevChain.GAS);
        TransactionReceipt r = multicall.aggregate3(calls, BigInteger.ZERO).send();
        if (!r.isStatusOK()) {
            throw new IllegalStateException("batch of " + perTx + " messages failed in " + r.getTransactionHash());
        }
        return r;
    }

    /**
     * Whether the devnet's L2s have the L2-to-L2 messenger of fast cross-rollup messages (every devnet does since the
     * interop predeploys came; a manifest written before them has none).
     */
    public boolean fastMessages() {
        return devnet.manifest().l2s().stream().allMatch(l2 -> l2.contracts().containsKey(
                "l2ToL2CrossDomainMessenger"));
    }

    /** The L1 messenger of an L2: OP's L1CrossDomainMessenger on a fault-proof devnet, else ours. */
    private static String l1Messenger(DevnetManifest.Chain l2) {
        return l2.faultProofs() != null ? l2.faultProofs().l1CrossDomainMessenger() : l2.settlement().l1Messenger();
    }

    private byte[] ping(int l2Index, String note) {
        DevChain chain = devnet.l2(l2Index);
        return pingData(chain, devnet.manifest().l2s().get(l2Index).contract("demoTarget"), note);
    }

    private byte[] pingData(DevChain chain, String target, String note) {
        String call = DemoTarget.load(target, chain.web3j(), chain.txManager(user), DevChain.GAS)
                .ping(note, BigInteger.ZERO).encodeFunctionCall();
        return Numeric.hexStringToByteArray(call);
    }
}

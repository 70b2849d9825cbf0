package dev.crossbar.relayer;

import dev.crossbar.contracts.bindings.L2ToL2CrossDomainMessenger;
import dev.crossbar.contracts.bindings.Portal;
import dev.crossbar.core.protocol.Predeploys;
import dev.crossbar.devnet.DevChain;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/** Counts deliveries from the chains themselves: how many times each message's effect happened. */
final class OnChainEffects {
    private OnChainEffects() {}

    /** Withdrawal hash to the number of {@code WithdrawalFinalized} events of {@code portal}. */
    static Map<String, Integer> finalizations(DevChain l1, String portal) throws Exception {
        return countByTopic(l1, portal, EventEncoder.encode(Portal.WITHDRAWALFINALIZED_EVENT), 1);
    }

    /** Message hash to the number of {@code RelayedMessage} events of the L2ToL2 messenger of {@code l2}. */
    static Map<String, Integer> crossRollupRelays(DevChain l2) throws Exception {
        return countByTopic(l2, Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER,
                EventEncoder.encode(L2ToL2CrossDomainMessenger.RELAYEDMESSAGE_EVENT), 3);
    }

    /** The messages transaction {@code txHash} on {@code chain} declares to the CrossL2Inbox in its access list. */
    static List<dev.crossbar.core.protocol.ExecutingMessages.Declared> declaredBy(DevChain chain, String txHash)
            throws Exception {
        var tx = chain.web3j().ethGetTransactionByHash(txHash).send().getTransaction().orElseThrow();
        return dev.crossbar.core.protocol.ExecutingMessages.declared(tx.getAccessList() == null ? List.of()
                : tx.getAccessList().stream().map(o -> new org.web3j.crypto.AccessListObject(o.getAddress(),
                        o.getStorageKeys())).toList());
    }

    /**
     * Whether {@code declared} names the SentMessage log of message {@code m}, read here from the source chain itself:
     * its place (chain, block, timestamp, log index) and the checksum of its origin and {@code keccak256(topics ++
     * data)}.
     */
    static boolean declares(dev.crossbar.core.protocol.ExecutingMessages.Declared declared,
            dev.crossbar.store.MessageRecord m, DevChain source) throws Exception {
        var block = source.web3j().ethGetBlockByNumber(org.web3j.protocol.core.DefaultBlockParameter.valueOf(
                java.math.BigInteger.valueOf(m.source().blockNumber())), false).send().getBlock();
        EthFilter f = new EthFilter(org.web3j.protocol.core.DefaultBlockParameter.valueOf(block.getNumber()),
                org.web3j.protocol.core.DefaultBlockParameter.valueOf(block.getNumber()),
                Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER);
        Log log = source.web3j().ethGetLogs(f).send().getLogs().stream().map(r -> (Log) r.get())
                .filter(l -> l.getLogIndex().longValueExact() == m.source().logIndex()).findFirst().orElseThrow();
        byte[] msgHash = dev.crossbar.core.protocol.ExecutingMessages.msgHash(log.getTopics(),
                org.web3j.utils.Numeric.hexStringToByteArray(log.getData()));
        return declared.chainId().longValueExact() == source.chainId()
                && declared.blockNumber() == block.getNumber().longValueExact()
                && declared.timestamp() == block.getTimestamp().longValueExact()
                && declared.logIndex() == log.getLogIndex().longValueExact()
                && declared.checksumMatches(log.getAddress(), msgHash);
    }

    /** The mined nonce of {@code key} on {@code chain}: how many transactions it has there. */
    static java.math.BigInteger transactionsOf(DevChain chain, dev.crossbar.devnet.DevKeys key) throws Exception {
        return chain.web3j().ethGetTransactionCount(key.address(), DefaultBlockParameterName.LATEST).send()
                .getTransactionCount();
    }

    private static Map<String, Integer> countByTopic(DevChain chain, String address, String topic0, int keyTopic)
            throws Exception {
        EthFilter f = new EthFilter(DefaultBlockParameterName.EARLIEST, DefaultBlockParameterName.LATEST, address);
        f.addSingleTopic(topic0);
        Map<String, Integer> out = new HashMap<>();
        for (EthLog.LogResult<?> r : chain.web3j().ethGetLogs(f).send().getLogs()) {
            Log l = (Log) r.get();
            out.merge(l.getTopics().get(keyTopic).toLowerCase(), 1, Integer::sum);
        }
        return out;
    }

    static List<String> lower(List<String> ids) {
        return ids.stream().map(String::toLowerCase).toList();
    }

    /** A transaction of a signer as the chain has it: whether it succeeded and how many relays it carried. */
    record SignerTx(String hash, long block, boolean succeeded, int relays) {}

    /**
     * Every transaction {@code signer} has on {@code l2} from block {@code fromBlock} on, read block by block from
     * the chain (not from any store), with its outcome and the {@code RelayedMessage} events it emitted: a relay
     * that reverted or had no effect, or a cancel, is an extra transaction.
     */
    static List<SignerTx> signerTransactions(DevChain l2, String signer, long fromBlock) throws Exception {
        String relayed = EventEncoder.encode(L2ToL2CrossDomainMessenger.RELAYEDMESSAGE_EVENT);
        long head = l2.blockNumber().longValueExact();
        List<SignerTx> out = new java.util.ArrayList<>();
        for (long n = fromBlock; n <= head; n++) {
            var block = l2.web3j().ethGetBlockByNumber(org.web3j.protocol.core.DefaultBlockParameter.valueOf(
                    java.math.BigInteger.valueOf(n)), true).send().getBlock();
            for (var r : block.getTransactions()) {
                var t = (org.web3j.protocol.core.methods.response.Transaction) r.get();
                if (!signer.equalsIgnoreCase(t.getFrom())) {
                    continue;
                }
                var receipt = l2.web3j().ethGetTransactionReceipt(t.getHash()).send().getTransactionReceipt()
                        .orElseThrow();
                int relays = (int) receipt.getLogs().stream().filter(l -> !l.getTopics().isEmpty()
                        && l.getTopics().getFirst().equalsIgnoreCase(relayed)).count();
                out.add(new SignerTx(t.getHash(), n, receipt.isStatusOK(), relays));
            }
        }
        return out;
    }
}

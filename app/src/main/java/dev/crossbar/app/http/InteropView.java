package dev.crossbar.app.http;

import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.protocol.ExecutingMessages;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.TxRecord;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.web3j.crypto.AccessListObject;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionDecoder;
import org.web3j.crypto.transaction.type.Transaction1559;
import org.web3j.utils.Numeric;

/**
 * What an operator needs to see of an L2-to-L2 message's interop side: the identifier of its source log, the
 * {@code resendMessage} call that emits that log again (the way out for an expired message; anyone may send it), and
 * each of its transactions' access lists decoded entry by entry.
 */
final class InteropView {
    private InteropView() {}

    /** The identifier and the resend call of a cross-rollup message; empty when its source chain has no messenger. */
    static Optional<Map<String, Object>> of(MessageRecord m, ChainConfig source) {
        if (m.source() == null || source == null || source.l2Contracts() == null
                || source.l2Contracts().l2ToL2Messenger() == null) {
            return Optional.empty();
        }
        String messenger = source.l2Contracts().l2ToL2Messenger();
        Map<String, Object> id = new LinkedHashMap<>();
        id.put("origin", messenger);
        id.put("blockNumber", m.source().blockNumber());
        id.put("logIndex", m.source().logIndex());
        id.put("timestamp", m.source().blockTimestamp());
        id.put("chainId", m.sourceChainId());
        Map<String, Object> resend = new LinkedHashMap<>();
        resend.put("chainId", m.sourceChainId());
        resend.put("chain", source.name());
        resend.put("to", messenger);
        resend.put("data", ProtocolViews.l2ToL2(messenger).resendMessage(BigInteger.valueOf(m.destinationChainId()),
                m.nonce(), m.sender(), m.target(), Numeric.hexStringToByteArray(m.data())).encodeFunctionCall());
        resend.put("note", "emits the message's SentMessage log again on " + source.name() + " (any account may send"
                + " it); the relayer then relays it with the new log's identifier");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("identifier", id);
        out.put("resend", resend);
        return Optional.of(out);
    }

    /** The access lists of {@code txs} that have one, by transaction hash, each entry decoded. */
    static Map<String, List<Map<String, Object>>> accessLists(List<TxRecord> txs) {
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        for (TxRecord tx : txs) {
            List<AccessListObject> list = accessList(tx);
            if (!list.isEmpty()) {
                out.put(tx.txHash(), entries(list));
            }
        }
        return out;
    }

    /** Each storage key of {@code list}, with its address and, under the CrossL2Inbox, what it declares. */
    static List<Map<String, Object>> entries(List<AccessListObject> list) {
        List<Map<String, Object>> out = new ArrayList<>();
        List<ExecutingMessages.Declared> declared;
        String problem = null;
        try {
            declared = ExecutingMessages.declared(list);
        } catch (IllegalArgumentException e) {
            declared = List.of();
            problem = e.getMessage();
        }
        int message = 0;
        for (AccessListObject o : list) {
            boolean inbox = dev.crossbar.core.protocol.Predeploys.CROSS_L2_INBOX.equalsIgnoreCase(o.getAddress());
            for (String key : o.getStorageKeys()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("address", o.getAddress());
                e.put("key", key);
                byte type = Numeric.hexStringToByteArray(key)[0];
                if (inbox && problem == null) {
                    switch (type) {
                        case ExecutingMessages.LOOKUP -> {
                            ExecutingMessages.Declared d = declared.get(message);
                            e.put("type", "lookup");
                            e.put("chainId", d.chainId());
                            e.put("blockNumber", Long.toUnsignedString(d.blockNumber()));
                            e.put("timestamp", Long.toUnsignedString(d.timestamp()));
                            e.put("logIndex", d.logIndex());
                        }
                        case ExecutingMessages.CHAIN_ID_EXTENSION -> e.put("type", "chain-id extension");
                        case ExecutingMessages.CHECKSUM -> {
                            e.put("type", "checksum");
                            e.put("message", message++);
                        }
                        default -> e.put("type", "unknown");
                    }
                } else if (inbox) {
                    e.put("type", "malformed: " + problem);
                }
                out.add(e);
            }
        }
        return out;
    }

    private static List<AccessListObject> accessList(TxRecord tx) {
        if (tx.rawTx() == null) {
            return List.of();
        }
        try {
            RawTransaction raw = TransactionDecoder.decode(tx.rawTx());
            return raw.getTransaction() instanceof Transaction1559 t && t.getAccessList() != null ? t.getAccessList()
                    : List.of();
        } catch (RuntimeException e) {
            return List.of();
        }
    }
}

package dev.crossbar.monitor.act;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.monitor.MonitorMetrics;
import dev.crossbar.store.MessageStore;
import dev.crossbar.txmanager.FeePolicy;
import dev.crossbar.txmanager.TxManager;
import dev.crossbar.txmanager.TxMetrics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.web3j.crypto.Credentials;

/**
 * The monitor's keys, each as an {@link ActionSender} per L1 it acts on: the challenger (deletes bad outputs), the
 * guardian (pauses a Portal, puts it into escape mode) and the reclaimer (carries out exits). A role without a key
 * is empty: the monitor then only alerts for it. Rule: one sender per (key, chain), so that a key configured for two
 * roles still has one nonce owner.
 */
public final class Actors {
    /** The roles a key can play. */
    public enum Role { CHALLENGER, GUARDIAN, RECLAIMER }

    private final Map<String, ActionSender> byRoleAndChain = new LinkedHashMap<>();
    private final Map<String, ActionSender> byAddressAndChain = new LinkedHashMap<>();

    /**
     * @param keys the key of each role that has one (keys go nowhere but into the transaction managers)
     * @param l1s the L1 clients the monitor acts on
     */
    public Actors(Map<Role, Credentials> keys, Collection<EthApi> l1s, MessageStore store, FeePolicy fees,
            MonitorMetrics metrics, TxMetrics transactions) {
        for (EthApi l1 : l1s) {
            for (Map.Entry<Role, Credentials> k : keys.entrySet()) {
                String byAddress = k.getValue().getAddress().toLowerCase(Locale.ROOT) + "@" + l1.chainId();
                ActionSender sender = byAddressAndChain.computeIfAbsent(byAddress, a -> new ActionSender(
                        k.getKey().name().toLowerCase(Locale.ROOT), new TxManager(l1, k.getValue(), fees, store,
                                1, transactions), metrics));
                byRoleAndChain.put(k.getKey() + "@" + l1.chainId(), sender);
            }
        }
    }

    public Optional<ActionSender> of(Role role, long l1ChainId) {
        return Optional.ofNullable(byRoleAndChain.get(role + "@" + l1ChainId));
    }

    /** Every sender once (for settling their transactions). */
    public List<ActionSender> all() {
        return new ArrayList<>(byAddressAndChain.values());
    }
}

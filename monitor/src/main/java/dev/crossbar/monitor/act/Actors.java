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
 * guardian (pauses a Portal, puts it into escape mode), the reclaimer (carries out exits in escape mode) and the
 * watched accounts (each starts its own forced withdrawal). A role without a key is empty: the monitor then only
 * alerts for it. Rule: one sender per (key, chain), so that a key configured for two roles still has one nonce owner.
 */
public final class Actors {
    /** The roles a key can play. */
    public enum Role { CHALLENGER, GUARDIAN, RECLAIMER }

    private final Map<String, ActionSender> byRoleAndChain = new LinkedHashMap<>();
    private final Map<String, ActionSender> byAddressAndChain = new LinkedHashMap<>();
    private final Map<Long, List<ActionSender>> exitAccounts = new LinkedHashMap<>();

    /**
     * @param keys the key of each role that has one (keys go nowhere but into the transaction managers)
     * @param exitKeys the keys of the watched accounts, whose funds the monitor takes out through L1 when their L2
     *     censors or halts (each sends its own forced withdrawal)
     * @param l1s the L1 clients the monitor acts on
     */
    public Actors(Map<Role, Credentials> keys, List<Credentials> exitKeys, Collection<EthApi> l1s, MessageStore store,
            FeePolicy fees, MonitorMetrics metrics, TxMetrics transactions) {
        for (EthApi l1 : l1s) {
            for (Map.Entry<Role, Credentials> k : keys.entrySet()) {
                ActionSender sender = sender(k.getKey().name().toLowerCase(Locale.ROOT), k.getValue(), l1, store, fees,
                        metrics, transactions);
                byRoleAndChain.put(k.getKey() + "@" + l1.chainId(), sender);
            }
            List<ActionSender> accounts = new ArrayList<>();
            for (Credentials k : exitKeys) {
                ActionSender sender = sender("exit", k, l1, store, fees, metrics, transactions);
                if (!accounts.contains(sender)) {
                    accounts.add(sender);
                }
            }
            exitAccounts.put(l1.chainId(), List.copyOf(accounts));
        }
    }

    private ActionSender sender(String role, Credentials key, EthApi l1, MessageStore store, FeePolicy fees,
            MonitorMetrics metrics, TxMetrics transactions) {
        return byAddressAndChain.computeIfAbsent(key.getAddress().toLowerCase(Locale.ROOT) + "@" + l1.chainId(),
                a -> new ActionSender(role, new TxManager(l1, key, fees, store, 1, transactions), metrics));
    }

    /** The watched accounts' senders on {@code l1ChainId}, each sending from the account itself. */
    public List<ActionSender> exitAccounts(long l1ChainId) {
        return exitAccounts.getOrDefault(l1ChainId, List.of());
    }

    public Optional<ActionSender> of(Role role, long l1ChainId) {
        return Optional.ofNullable(byRoleAndChain.get(role + "@" + l1ChainId));
    }

    /** Every sender once (for settling their transactions). */
    public List<ActionSender> all() {
        return new ArrayList<>(byAddressAndChain.values());
    }
}

package dev.crossbar.app.config;

import java.util.List;

/**
 * The configuration's private keys, as references only ({@link SecretRef}): they are resolved when a service
 * starts and go nowhere but into its transaction manager.
 *
 * @param relayer the relayer's keys per chain it sends on
 * @param challenger the monitor's challenger key; null: the monitor only alerts
 * @param guardian the monitor's guardian key; null: the monitor only alerts
 * @param reclaimer the monitor's key that carries out exits in escape mode; null: exits are left to others
 * @param exitAccounts the keys of the accounts the monitor takes out with forced withdrawals (dispute-game L2s)
 */
public record SigningKeys(List<ChainKeys> relayer, SecretRef challenger, SecretRef guardian, SecretRef reclaimer,
        List<SecretRef> exitAccounts) {
    public SigningKeys {
        relayer = relayer == null ? List.of() : List.copyOf(relayer);
        exitAccounts = exitAccounts == null ? List.of() : List.copyOf(exitAccounts);
    }

    /** The keys that sign on one chain. */
    public record ChainKeys(long chainId, List<SecretRef> keys) {
        public ChainKeys {
            keys = keys == null ? List.of() : List.copyOf(keys);
        }
    }
}

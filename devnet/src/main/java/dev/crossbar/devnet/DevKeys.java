package dev.crossbar.devnet;

import java.util.List;
import org.web3j.crypto.Bip32ECKeyPair;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.MnemonicUtils;

/**
 * The devnet's role keys: the well-known accounts of anvil's default test mnemonic, one per role.
 * These keys are public knowledge and fund only local dev chains; they never leave the devnet's
 * own files (written with owner-only permissions) and are referenced from the manifest by path.
 */
public enum DevKeys {
    DEPLOYER(0),
    PROPOSER(1),
    CHALLENGER(2),
    GUARDIAN(3),
    SEQUENCER(4),
    RELAYER(5),
    RELAYER_2(6),
    USER(7),
    USER_2(8),
    MONITOR(9);

    /** Accounts anvil funds at genesis; one per role. */
    public static final int ACCOUNT_COUNT = 10;
    private static final String TEST_MNEMONIC = "test test test test test test test test test test test junk";

    private final int index;
    private volatile Credentials credentials;

    DevKeys(int index) {
        this.index = index;
    }

    public int index() {
        return index;
    }

    /** Lower-case role name as used in the manifest and on the command line. */
    public String roleName() {
        return name().toLowerCase().replace('_', '-');
    }

    public Credentials credentials() {
        Credentials c = credentials;
        if (c == null) {
            byte[] seed = MnemonicUtils.generateSeed(TEST_MNEMONIC, "");
            Bip32ECKeyPair master = Bip32ECKeyPair.generateKeyPair(seed);
            int hardened = Bip32ECKeyPair.HARDENED_BIT;
            int[] path = {44 | hardened, 60 | hardened, hardened, 0, index};
            c = Credentials.create(Bip32ECKeyPair.deriveKeyPair(master, path));
            credentials = c;
        }
        return c;
    }

    public String address() {
        return credentials().getAddress();
    }

    public static List<DevKeys> all() {
        return List.of(values());
    }
}

package dev.crossbar.devnet;

import dev.crossbar.contracts.bindings.CrossL2Inbox;
import dev.crossbar.contracts.bindings.L2ToL2CrossDomainMessenger;
import dev.crossbar.core.protocol.Predeploys;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The interop predeploys of every devnet L2, at OP's addresses: the CrossL2Inbox ({@code 0x4200…0022}), which takes
 * only executing messages the transaction declares in its access list, and the L2ToL2CrossDomainMessenger
 * ({@code 0x4200…0023}), which anyone may relay through. No release of these ships in OP's npm package, so they are
 * Crossbar's own, faithful to the interop specification. Both have no constructor state and no immutables, so their
 * runtime code is placed as a genesis places it.
 */
public final class InteropPredeploys {
    private static final Logger log = LoggerFactory.getLogger(InteropPredeploys.class);

    /** The manifest's names of the two contracts, by address. */
    public static final Map<String, String> CONTRACTS;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("crossL2Inbox", Predeploys.CROSS_L2_INBOX);
        m.put("l2ToL2CrossDomainMessenger", Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER);
        CONTRACTS = java.util.Collections.unmodifiableMap(m);
    }

    private InteropPredeploys() {}

    /** Places both on {@code l2}, in the state of its latest block (block 0 on a fresh chain, before it is mined). */
    public static void install(DevChain l2) throws IOException {
        l2.placeRuntime(Predeploys.CROSS_L2_INBOX, CrossL2Inbox.BINARY);
        l2.placeRuntime(Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, L2ToL2CrossDomainMessenger.BINARY);
        log.debug("interop predeploys installed chain={} crossL2Inbox={} l2ToL2CrossDomainMessenger={}", l2.name(),
                Predeploys.CROSS_L2_INBOX, Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER);
    }
}

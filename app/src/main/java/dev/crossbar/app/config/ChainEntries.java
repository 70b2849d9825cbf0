package dev.crossbar.app.config;

import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.Settlement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A chain's settlements and L2 contracts as entries of a configuration file ({@code chains[].settlements[]},
 * {@code chains[].contracts}), for what writes one from a chain model (dev mode's file, the chart's tests): the keys
 * as {@link ConfigLoader} reads them back into the same {@link Settlement} and {@link ChainConfig.L2Contracts}.
 */
public final class ChainEntries {
    private ChainEntries() {}

    /** One entry of an L1's {@code settlements}: its L2, its kind and the contracts of that kind. */
    public static Map<String, Object> settlement(Settlement s) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put(ChainSettings.L2_CHAIN_ID.name(), s.l2ChainId());
        o.put(ChainSettings.KIND.name(), ChainSettings.KIND.type().render(s.kind()));
        o.put(ChainSettings.PORTAL.name(), s.portal());
        o.put(ChainSettings.L1_MESSENGER.name(), s.l1Messenger());
        if (s.disputeGames()) {
            o.put(ChainSettings.DISPUTE_GAME_FACTORY.name(), s.disputeGameFactory());
            o.put(ChainSettings.ANCHOR_STATE_REGISTRY.name(), s.anchorStateRegistry());
            o.put(ChainSettings.SUPERCHAIN_CONFIG.name(), s.superchainConfig());
        } else {
            o.put(ChainSettings.OUTPUT_ORACLE.name(), s.outputOracle());
        }
        return o;
    }

    /** An L2's {@code contracts}: every one written out, {@code none} for a missing L2-to-L2 messenger. */
    public static Map<String, Object> contracts(ChainConfig.L2Contracts c) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put(ChainSettings.MESSAGE_PASSER.name(), c.messagePasser());
        o.put(ChainSettings.L2_MESSENGER.name(), c.l2Messenger());
        o.put(ChainSettings.L2_TO_L2_MESSENGER.name(), ChainSettings.L2_TO_L2_MESSENGER.type()
                .render(Optional.ofNullable(c.l2ToL2Messenger())));
        if (c.depositExecutor() != null) {
            o.put(ChainSettings.DEPOSIT_EXECUTOR.name(), c.depositExecutor());
        }
        return o;
    }
}

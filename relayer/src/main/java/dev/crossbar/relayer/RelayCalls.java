package dev.crossbar.relayer;

import dev.crossbar.core.chain.Chains;
import dev.crossbar.store.MessageRecord;

/** The delivery calls the relayer makes, for tools that send them on their own (benchmarks). */
public final class RelayCalls {
    private RelayCalls() {}

    /** The destination messenger's {@code relayMessage(Identifier, bytes)} call data for a cross-rollup message. */
    public static String crossRollupRelay(Chains chains, MessageRecord m) {
        String messenger = chains.l2Contracts(m.destinationChainId()).l2ToL2Messenger();
        return new Deliveries(chains).relayCall(m, messenger);
    }
}

package dev.crossbar.relayer;

import dev.crossbar.core.chain.Chains;
import dev.crossbar.store.MessageRecord;

/** The delivery calls the relayer makes, for tools that send them on their own (benchmarks). */
public final class RelayCalls {
    private RelayCalls() {}

    /**
     * The relay of a cross-rollup message: the destination messenger's {@code relayMessage(Identifier, bytes)} with
     * the access list that declares the message.
     */
    public static dev.crossbar.core.chain.EthApi.TxCall crossRollupRelay(Chains chains, MessageRecord m) {
        return new Deliveries(chains).relayTx(m);
    }
}

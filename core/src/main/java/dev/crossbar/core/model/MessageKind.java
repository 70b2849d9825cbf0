package dev.crossbar.core.model;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** What kind of crossing a message is, and the states a message of that kind can be in. */
public enum MessageKind {
    /**
     * L1 to L2, through a Portal; executed on the L2 by its sequencer. Never proven or relayed by us: SENT to RELAYED
     * (or FAILED, replayed through its messenger by the relayer), EXITED when reclaimed in escape mode. READY only for a
     * dead letter an operator retried before the admin API refused deposits: nothing acts on a READY deposit.
     */
    DEPOSIT(EnumSet.of(MessageState.SENT, MessageState.READY, MessageState.RELAYED, MessageState.FAILED,
            MessageState.DEAD_LETTERED, MessageState.ORPHANED, MessageState.BLOCKED, MessageState.EXITED)),
    /** L2 to L1, through the L2's message passer; proven and finalized on L1 by the relayer. Never EXITED. */
    WITHDRAWAL(EnumSet.complementOf(EnumSet.of(MessageState.EXITED))),
    /** L2 to L2 through the L2ToL2 messengers; relayed once its block is confirmed. Never committed or proven. */
    CROSS_ROLLUP(EnumSet.of(MessageState.SENT, MessageState.READY, MessageState.RELAYING, MessageState.RELAYED,
            MessageState.FAILED, MessageState.DEAD_LETTERED, MessageState.ORPHANED, MessageState.BLOCKED));

    private final Set<MessageState> states;

    MessageKind(EnumSet<MessageState> states) {
        this.states = Collections.unmodifiableSet(states);
    }

    /** The states a message of this kind can be in. */
    public Set<MessageState> states() {
        return states;
    }
}

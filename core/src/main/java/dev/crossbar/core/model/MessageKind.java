package dev.crossbar.core.model;

/** What kind of crossing a message is. */
public enum MessageKind {
    /** L1 to L2, through a Portal; executed on the L2 by its sequencer. */
    DEPOSIT,
    /** L2 to L1, through the L2's message passer; proven and finalized on L1 by the relayer. */
    WITHDRAWAL,
    /** L2 to L2 through the L2ToL2 messengers; relayed by the relayer once its block is confirmed. */
    CROSS_ROLLUP
}

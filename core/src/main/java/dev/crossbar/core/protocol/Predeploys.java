package dev.crossbar.core.protocol;

/**
 * Addresses at which the L2 contracts live on every OP Stack chain (and on the devnet's L2s).
 */
public final class Predeploys {
    /** L2ToL1MessagePasser: withdrawals are recorded in its {@code sentMessages} mapping (slot 0). */
    public static final String L2_TO_L1_MESSAGE_PASSER = "0x4200000000000000000000000000000000000016";
    /** L2CrossDomainMessenger. */
    public static final String L2_CROSS_DOMAIN_MESSENGER = "0x4200000000000000000000000000000000000007";
    /**
     * L1Block: the L1 attributes on the L2; the L2 messenger asks it for the gas-paying token on every send
     * (with empty storage it answers ether).
     */
    public static final String L1_BLOCK = "0x4200000000000000000000000000000000000015";
    /**
     * CrossL2Inbox (OP interop): validates executing messages; a transaction declares each one in its access list
     * under this address ({@link ExecutingMessages}).
     */
    public static final String CROSS_L2_INBOX = "0x4200000000000000000000000000000000000022";
    /** L2ToL2CrossDomainMessenger (OP interop). */
    public static final String L2_TO_L2_CROSS_DOMAIN_MESSENGER = "0x4200000000000000000000000000000000000023";
    /**
     * The devnet's deposit executor: stands in for the rollup node's deposit derivation. Not an OP
     * Stack predeploy; the address is ours, in the predeploy range.
     */
    public static final String DEVNET_DEPOSIT_EXECUTOR = "0x42000000000000000000000000000000000000D0";

    private Predeploys() {}
}

package dev.crossbar.devnet;

import java.util.Arrays;
import java.util.List;

/** How a devnet's L2s settle on its L1. */
public enum SettlementKind {
    /** Crossbar's output-oracle protocol: an OutputOracle, a Portal and an L1Messenger per L2 (the default). */
    OUTPUT_ORACLE("output-oracle"),
    /**
     * OP's fault-proof system, unmodified: an OptimismPortal2 and a DisputeGameFactory per L2, the L2s in OP mode
     * taking deposits as {@code 0x7E} transactions.
     */
    FAULT_PROOFS("fault-proofs");

    private final String cliName;

    SettlementKind(String cliName) {
        this.cliName = cliName;
    }

    /** The name used on the command line. */
    public String cliName() {
        return cliName;
    }

    public static SettlementKind fromCliName(String name) {
        return Arrays.stream(values()).filter(k -> k.cliName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown settlement '" + name + "'; one of "
                        + cliNames()));
    }

    public static List<String> cliNames() {
        return Arrays.stream(values()).map(SettlementKind::cliName).toList();
    }
}

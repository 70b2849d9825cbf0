package dev.crossbar.devnet;

import dev.crossbar.devnet.faultproof.FaultProofParams;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a devnet is started.
 *
 * @param dataDir folder for the manifest, key files and node logs
 * @param l1BlockTime interval between L1 blocks; {@link Duration#ZERO} for automine
 * @param l2BlockTime interval between L2 blocks; {@link Duration#ZERO} for automine
 * @param l1ChainId chain id of the L1
 * @param l2ChainIds chain ids of the L2 rollups (named l2a, l2b, ...)
 * @param finalizationPeriod the challenge window of every output oracle
 * @param submissionInterval minimum L2 blocks between two output proposals
 * @param livenessTimeout how long a Portal waits for an output, while deposits wait, before anyone may
 *     put it into escape mode
 * @param basePort first port of the nodes (L1, then each L2); 0 lets the OS pick free ports
 * @param persistent keep the chains in state files in {@code dataDir}: a devnet started again on the same folder
 *     continues where it stopped (same blocks, same contracts) instead of starting over
 * @param detached run the nodes so that they outlive a crash (SIGKILL) of this JVM, each with a descriptor in
 *     {@code dataDir}; a later start on the same folder reattaches to the nodes still running (when persistent) or
 *     stops them (when not). Dev mode only: tests keep the default (nodes die with the JVM), so they never leak one
 * @param settlement how the L2s settle: {@link SettlementKind#OUTPUT_ORACLE} (default; {@code finalizationPeriod},
 *     {@code livenessTimeout} apply), or {@link SettlementKind#FAULT_PROOFS} (the L2s run in OP mode;
 *     {@code faultProofs} applies)
 * @param faultProofs the fault-proof contracts' settings, with the respected game type of each L2 (255 unless set);
 *     used only for {@link SettlementKind#FAULT_PROOFS}
 */
public record DevnetConfig(
        Path dataDir,
        Duration l1BlockTime,
        Duration l2BlockTime,
        long l1ChainId,
        List<Long> l2ChainIds,
        Duration finalizationPeriod,
        long submissionInterval,
        Duration livenessTimeout,
        int basePort,
        boolean persistent,
        boolean detached,
        SettlementKind settlement,
        FaultProofParams faultProofs) {

    public DevnetConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        requireNonNegative("l1BlockTime", l1BlockTime);
        requireNonNegative("l2BlockTime", l2BlockTime);
        if (l2ChainIds == null || l2ChainIds.isEmpty()) {
            throw new IllegalArgumentException("l2ChainIds: at least one L2 is needed");
        }
        l2ChainIds = List.copyOf(l2ChainIds);
        if (l2ChainIds.contains(l1ChainId) || l2ChainIds.stream().distinct().count() != l2ChainIds.size()) {
            throw new IllegalArgumentException("chain ids must be distinct: L1 " + l1ChainId + ", L2s " + l2ChainIds);
        }
        requireNonNegative("finalizationPeriod", finalizationPeriod);
        if (submissionInterval < 1) {
            throw new IllegalArgumentException("submissionInterval must be at least 1 block, was " + submissionInterval);
        }
        requireNonNegative("livenessTimeout", livenessTimeout);
        if (basePort < 0 || basePort > 65535 - l2ChainIds.size()) {
            throw new IllegalArgumentException("basePort out of range: " + basePort);
        }
        settlement = settlement == null ? SettlementKind.OUTPUT_ORACLE : settlement;
        if (settlement == SettlementKind.OUTPUT_ORACLE && l2BlockTime.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("l2BlockTime: the L2s of an output-oracle devnet mine in whole seconds"
                    + " (or on demand, zero), was " + l2BlockTime.toMillis() + " ms: the sequencer stops mining to"
                    + " put a deposit and its record in one block, and anvil resumes interval mining only by whole"
                    + " seconds");
        }
        faultProofs = faultProofs == null ? FaultProofParams.devnet() : faultProofs;
        for (Long chainId : faultProofs.respectedGameTypes().keySet()) {
            if (!l2ChainIds.contains(chainId)) {
                throw new IllegalArgumentException("a respected game type is set for chain " + chainId
                        + ", which is not one of the L2s " + l2ChainIds);
            }
        }
    }

    /** For tests: automine chains on free ports, a one-hour window moved with {@code evm_increaseTime}. */
    public static DevnetConfig forTests(Path dataDir) {
        return new DevnetConfig(dataDir, Duration.ZERO, Duration.ZERO, 900, List.of(901L, 902L),
                Duration.ofHours(1), 1, Duration.ofHours(2), 0, false, false, SettlementKind.OUTPUT_ORACLE, null);
    }

    /** For demos and dev mode: one-second blocks and a two-minute challenge window. */
    public static DevnetConfig forDemo(Path dataDir) {
        return new DevnetConfig(dataDir, Duration.ofSeconds(1), Duration.ofSeconds(1), 900, List.of(901L, 902L),
                Duration.ofMinutes(2), 4, Duration.ofMinutes(10), 0, false, false, SettlementKind.OUTPUT_ORACLE, null);
    }

    public DevnetConfig withDataDir(Path dir) {
        return new DevnetConfig(dir, l1BlockTime, l2BlockTime, l1ChainId, l2ChainIds, finalizationPeriod,
                submissionInterval, livenessTimeout, basePort, persistent, detached, settlement, faultProofs);
    }

    public DevnetConfig withBlockTimes(Duration l1, Duration l2) {
        return new DevnetConfig(dataDir, l1, l2, l1ChainId, l2ChainIds, finalizationPeriod, submissionInterval,
                livenessTimeout, basePort, persistent, detached, settlement, faultProofs);
    }

    public DevnetConfig withFinalizationPeriod(Duration period) {
        return new DevnetConfig(dataDir, l1BlockTime, l2BlockTime, l1ChainId, l2ChainIds, period, submissionInterval,
                livenessTimeout, basePort, persistent, detached, settlement, faultProofs);
    }

    public DevnetConfig withBasePort(int port) {
        return new DevnetConfig(dataDir, l1BlockTime, l2BlockTime, l1ChainId, l2ChainIds, finalizationPeriod,
                submissionInterval, livenessTimeout, port, persistent, detached, settlement, faultProofs);
    }

    public DevnetConfig persistent(boolean keep) {
        return new DevnetConfig(dataDir, l1BlockTime, l2BlockTime, l1ChainId, l2ChainIds, finalizationPeriod,
                submissionInterval, livenessTimeout, basePort, keep, detached, settlement, faultProofs);
    }

    /** See {@code detached} above: nodes that outlive a crash of this JVM and are reattached by the next start. */
    public DevnetConfig detached(boolean detach) {
        return new DevnetConfig(dataDir, l1BlockTime, l2BlockTime, l1ChainId, l2ChainIds, finalizationPeriod,
                submissionInterval, livenessTimeout, basePort, persistent, detach, settlement, faultProofs);
    }

    /** These settings, with the L2s settling as {@code kind} says. */
    public DevnetConfig withSettlement(SettlementKind kind) {
        return new DevnetConfig(dataDir, l1BlockTime, l2BlockTime, l1ChainId, l2ChainIds, finalizationPeriod,
                submissionInterval, livenessTimeout, basePort, persistent, detached, kind, faultProofs);
    }

    /** These settings, with the fault-proof contracts' settings {@code params}. */
    public DevnetConfig withFaultProofs(FaultProofParams params) {
        return new DevnetConfig(dataDir, l1BlockTime, l2BlockTime, l1ChainId, l2ChainIds, finalizationPeriod,
                submissionInterval, livenessTimeout, basePort, persistent, detached, settlement, params);
    }

    /** These settings, with the portal of L2 {@code chainId} respecting games of {@code gameType} (fault proofs). */
    public DevnetConfig withRespectedGameType(long chainId, int gameType) {
        return withFaultProofs(faultProofs.withRespectedGameType(chainId, gameType));
    }

    /**
     * The network the L2 nodes emulate: OP mode, whatever their settlement, so that they take deposits as OP
     * deposit transactions ({@code 0x7E}) with the hash a client computes from the L1 log.
     */
    public AnvilNode.Network l2Network() {
        return AnvilNode.Network.OPTIMISM;
    }

    /** Name of the i-th L2: l2a, l2b, ... */
    public static String l2Name(int index) {
        return "l2" + (char) ('a' + index);
    }

    private static void requireNonNegative(String name, Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be zero or positive, was " + d);
        }
    }
}

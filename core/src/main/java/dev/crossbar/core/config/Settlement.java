package dev.crossbar.core.config;

/**
 * An L2's contracts on its L1, as the L1's watcher and the relayer know them.
 *
 * @param l2ChainId the rollup these contracts settle
 */
public record Settlement(long l2ChainId, String outputOracle, String portal, String l1Messenger) {}

package dev.crossbar.monitor.game;

/**
 * The honest output roots of one L2: what the {@link OutputTraceProvider} reads. The monitor implements it from the
 * L2 node (output root of a block: {@code keccak256(version, stateRoot, messagePasserStorageRoot, blockHash)}); a
 * unit test fakes it.
 */
public interface OutputRoots {
    /**
     * The output root of L2 block {@code l2Block}, 32 bytes.
     *
     * @throws RuntimeException when it cannot be had (the caller tries again later)
     */
    byte[] at(long l2Block);
}

package dev.crossbar.store;

import dev.crossbar.core.event.EventRef;
import dev.crossbar.core.event.ProtocolEvent;
import java.math.BigInteger;

/** Protocol events with plausible defaults, for tests: only what a test is about is a parameter. */
final class TestEvents {
    static final String SENDER = TestChain.address("sender");
    static final String TARGET = TestChain.address("target");

    private TestEvents() {}

    static BigInteger big(long v) {
        return BigInteger.valueOf(v);
    }

    static ProtocolEvent.DepositInitiated deposit(EventRef ref, long l2ChainId, long nonce, String depositHash) {
        return new ProtocolEvent.DepositInitiated(ref, l2ChainId, big(nonce), depositHash, SENDER, SENDER, TARGET,
                big(1_000), big(1_000), big(100_000), false, "0x");
    }

    static ProtocolEvent.DepositExecuted depositExecuted(EventRef ref, long nonce, String depositHash, boolean success) {
        return new ProtocolEvent.DepositExecuted(ref, big(nonce), depositHash, SENDER, TARGET, success);
    }

    static ProtocolEvent.WithdrawalInitiated withdrawal(EventRef ref, long nonce, String withdrawalHash) {
        // A versioned nonce, as the message passer emits it: version 1 in the top two bytes.
        BigInteger versioned = BigInteger.ONE.shiftLeft(240).or(big(nonce));
        return new ProtocolEvent.WithdrawalInitiated(ref, versioned, SENDER, TARGET, big(5), big(200_000), "0xabcd",
                withdrawalHash);
    }

    static ProtocolEvent.OutputProposed output(EventRef ref, long l2ChainId, long index, long l2Block) {
        return new ProtocolEvent.OutputProposed(ref, l2ChainId, TestChain.hash("root:" + l2ChainId + ":" + index),
                big(index), big(l2Block), ref.blockTimestamp());
    }

    static ProtocolEvent.OutputsDeleted outputsDeleted(EventRef ref, long l2ChainId, long prevNext, long newNext) {
        return new ProtocolEvent.OutputsDeleted(ref, l2ChainId, big(prevNext), big(newNext));
    }

    static ProtocolEvent.WithdrawalProven proven(EventRef ref, long l2ChainId, String withdrawalHash) {
        return new ProtocolEvent.WithdrawalProven(ref, l2ChainId, withdrawalHash, SENDER, TARGET);
    }

    static ProtocolEvent.WithdrawalFinalized finalized(EventRef ref, long l2ChainId, String withdrawalHash,
            boolean success) {
        return new ProtocolEvent.WithdrawalFinalized(ref, l2ChainId, withdrawalHash, success);
    }

    static ProtocolEvent.CrossDomainMessageSent messengerSent(EventRef ref, String messageHash) {
        return new ProtocolEvent.CrossDomainMessageSent(ref, TARGET, SENDER, "0x1234", big(1), big(50_000), big(0),
                messageHash);
    }

    static ProtocolEvent.CrossDomainMessageRelayed messengerRelayed(EventRef ref, String messageHash) {
        return new ProtocolEvent.CrossDomainMessageRelayed(ref, messageHash, null);
    }

    /** An L1 messenger's {@code RelayedMessage}: the messenger of {@code l2ChainId}. */
    static ProtocolEvent.CrossDomainMessageRelayed messengerRelayedFrom(EventRef ref, String messageHash,
            long l2ChainId) {
        return new ProtocolEvent.CrossDomainMessageRelayed(ref, messageHash, l2ChainId);
    }

    static ProtocolEvent.CrossDomainMessageFailed messengerFailed(EventRef ref, String messageHash) {
        return new ProtocolEvent.CrossDomainMessageFailed(ref, messageHash, null);
    }

    static ProtocolEvent.CrossRollupSent crossRollup(EventRef ref, long destination, long nonce, String messageHash) {
        return new ProtocolEvent.CrossRollupSent(ref, big(destination), TARGET, big(nonce), SENDER, "0xfeed",
                messageHash);
    }

    static ProtocolEvent.CrossRollupRelayed crossRollupRelayed(EventRef ref, long source, long nonce,
            String messageHash) {
        return new ProtocolEvent.CrossRollupRelayed(ref, big(source), big(nonce), messageHash, TestChain.hash("ret"));
    }

    /** The game contract of factory index {@code index} of an L2 (an address derived from both). */
    static String gameAddress(long l2ChainId, long index) {
        return TestChain.address("game:" + l2ChainId + ":" + index);
    }

    static String gameRoot(long l2ChainId, long index) {
        return TestChain.hash("game-root:" + l2ChainId + ":" + index);
    }

    /** Game {@code index} of type 255 (ALPHABET) for {@code l2Block}, created at its L1 block's time. */
    static ProtocolEvent.DisputeGameCreated gameCreated(EventRef ref, long l2ChainId, long index, long l2Block) {
        return new ProtocolEvent.DisputeGameCreated(ref, l2ChainId, gameAddress(l2ChainId, index), 255,
                gameRoot(l2ChainId, index), index, l2Block, ref.blockTimestamp(), 60,
                "0x00000000000000000000000000000000000000c0", java.math.BigInteger.valueOf(80_000_000_000_000_000L));
    }

    /** A move in {@code game} countering {@code parentIndex}, made at its L1 block's time. */
    static ProtocolEvent.GameMove gameMove(EventRef ref, long l2ChainId, String game, long claimIndex,
            long parentIndex, long position, long bond, long clockDuration) {
        return new ProtocolEvent.GameMove(ref, l2ChainId, game, parentIndex, TestChain.hash("claim:" + claimIndex),
                TestChain.address("player:" + claimIndex), claimIndex, big(position), big(bond),
                GameClaim.packClock(clockDuration, ref.blockTimestamp()));
    }

    static ProtocolEvent.GameResolved gameResolved(EventRef ref, long l2ChainId, String game, int status) {
        return new ProtocolEvent.GameResolved(ref, l2ChainId, game, status);
    }

    static ProtocolEvent.DisputeGameBlacklisted gameBlacklisted(EventRef ref, long l2ChainId, String game) {
        return new ProtocolEvent.DisputeGameBlacklisted(ref, l2ChainId, game);
    }

    static ProtocolEvent.DepositReclaimed reclaimed(EventRef ref, long l2ChainId, long nonce) {
        return new ProtocolEvent.DepositReclaimed(ref, l2ChainId, big(nonce), SENDER, big(1_000));
    }
}

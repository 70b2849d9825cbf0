package dev.crossbar.watcher;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.FaultProofViews;
import dev.crossbar.core.chain.ProtocolViews;

/**
 * What the L1's decoder asks the chain about dispute games, at the block of the event it decodes: the logs name a
 * game, its type and its root claim, or a move's parent, claim and claimant; the rest (the game's index, its L2
 * block, the claim's position, bond and clock) is in the contracts' storage. Reads at a past block need a node that
 * keeps that block's state (recent blocks on any node; older ones on an archive node).
 */
public interface GameFacts {
    /** What a game says of itself. */
    record Created(long l2BlockNumber, long createdAt, long maxClockDuration) {}

    /** The factory's {@code gameCount()} at the end of {@code block}. */
    long gameCount(String factory, long block);

    /** The game's L2 block, creation time and clock length (all fixed at creation). */
    Created created(String game, long block);

    /** The game's {@code claimDataLen()} at the end of {@code block}. */
    long claimCount(String game, long block);

    /** The game's claim {@code index} at the end of {@code block}. */
    FaultProofViews.Claim claim(String game, long index, long block);

    /** For chains with no dispute-game settlement: asking is a bug. */
    GameFacts NONE = new GameFacts() {
        @Override
        public long gameCount(String factory, long block) {
            throw new IllegalStateException("no dispute-game settlement on this chain");
        }

        @Override
        public Created created(String game, long block) {
            throw new IllegalStateException("no dispute-game settlement on this chain");
        }

        @Override
        public long claimCount(String game, long block) {
            throw new IllegalStateException("no dispute-game settlement on this chain");
        }

        @Override
        public FaultProofViews.Claim claim(String game, long index, long block) {
            throw new IllegalStateException("no dispute-game settlement on this chain");
        }
    };

    /** The facts as {@code l1} answers them, through the contracts' generated bindings. */
    static GameFacts of(EthApi l1) {
        return new GameFacts() {
            @Override
            public long gameCount(String factory, long block) {
                return FaultProofViews.gameCount(l1, factory, EthApi.hex(block));
            }

            @Override
            public Created created(String game, long block) {
                var g = FaultProofViews.game(l1, game, EthApi.hex(block));
                return new Created(FaultProofViews.l2BlockNumber(g), FaultProofViews.createdAt(g),
                        ProtocolViews.view(g.maxClockDuration()).longValueExact());
            }

            @Override
            public long claimCount(String game, long block) {
                return FaultProofViews.claimCount(l1, game, EthApi.hex(block));
            }

            @Override
            public FaultProofViews.Claim claim(String game, long index, long block) {
                return FaultProofViews.claim(l1, game, index, EthApi.hex(block));
            }
        };
    }
}

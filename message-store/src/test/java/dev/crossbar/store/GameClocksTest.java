package dev.crossbar.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chess clocks of a game, from its claims as the game contract keeps them. */
class GameClocksTest {
    static final String GAME = "0x00000000000000000000000000000000000000aa";

    static GameClaim claim(long index, Long parent, long position, long duration, long timestamp) {
        return new GameClaim(GAME, index, parent, "0x01", null, BigInteger.valueOf(position), null,
                GameClaim.packClock(duration, timestamp));
    }

    @Test
    void anUncounteredRootRunsTheChallengersClockFromItsCreation() {
        GameClocks clocks = GameClocks.of(List.of(claim(0, null, 1, 0, 1_000)), 300L, 1_100);

        assertThat(clocks).isEqualTo(new GameClocks(100L, null, 200L));
    }

    @Test
    void eachSideUsesItsLongestRunningBranchAndTheTimeLeftIsToTheFirstClockToRunOut() {
        // root <- 1 (challenger, at 1_010 with 10 s used) <- 2 (defender, at 1_050 with 40 s used);
        // root <- 3 (challenger, at 1_020 with 20 s used). Claims 2 and 3 are uncountered.
        List<GameClaim> claims = List.of(claim(0, null, 1, 0, 1_000), claim(1, 0L, 2, 10, 1_010),
                claim(2, 1L, 4, 40, 1_050), claim(3, 0L, 2, 20, 1_020));

        GameClocks clocks = GameClocks.of(claims, 200L, 1_100);

        // Challengers, against claim 2: claim 1's 10 s + 50 s since claim 2. Defender, against claim 3: the root's
        // 0 s + 80 s since claim 3.
        assertThat(clocks.challengerUsedSeconds()).isEqualTo(60);
        assertThat(clocks.defenderUsedSeconds()).isEqualTo(80);
        assertThat(clocks.timeLeftSeconds()).isEqualTo(120);
        assertThat(GameClocks.of(claims, null, 1_100).timeLeftSeconds()).as("max clock duration unknown").isNull();
        assertThat(GameClocks.of(claims, 200L, 1_500).timeLeftSeconds()).as("a clock ran out").isZero();
    }

    @Test
    void onlyTheClocksOfTheClaimsAskedForCount() {
        // As above: the challengers' clock runs against claim 2 (60 s used), the defender's against claim 3 (80 s).
        List<GameClaim> claims = List.of(claim(0, null, 1, 0, 1_000), claim(1, 0L, 2, 10, 1_010),
                claim(2, 1L, 4, 40, 1_050), claim(3, 0L, 2, 20, 1_020));

        GameClocks challengers = GameClocks.of(claims, 200L, 1_100, GameClaim::byDefender);

        assertThat(challengers).isEqualTo(new GameClocks(60L, null, 140L));
        assertThat(GameClocks.of(claims, 200L, 1_100, c -> false)).as("no clock runs")
                .isEqualTo(new GameClocks(null, null, null));
    }
}

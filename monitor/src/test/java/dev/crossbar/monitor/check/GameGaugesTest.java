package dev.crossbar.monitor.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.ChainRole;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.core.config.Settlement;
import dev.crossbar.monitor.MonitorMetrics;
import dev.crossbar.monitor.act.Actors;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.store.BlockRef;
import dev.crossbar.store.ChainTopology;
import dev.crossbar.store.GameRecord;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.MessageStores;
import dev.crossbar.store.StoreConfig;
import dev.crossbar.testkit.ChainRecorder;
import dev.crossbar.txmanager.FeePolicy;
import dev.crossbar.txmanager.TxMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispute-game gauges from games in the real (embedded) store, recorded as the watcher records them: games by
 * status and agreement with the verdict, claims by honesty, the clock left on the games with a false root, the
 * challenger key's bonds at stake and claimable (credit read only for its games, and no more once 0).
 */
class GameGaugesTest {
    static final long L1 = 900;
    static final long L2 = 901;
    static final String US = ChainRecorder.address("challenger");
    static final String LIAR = ChainRecorder.address("liar");
    static final String PROPOSER = ChainRecorder.address("proposer");
    static final long MAX_CLOCK = 3_600;
    static final BigInteger INIT_BOND = BigInteger.valueOf(80_000);
    static final BigInteger OUR_BOND = BigInteger.valueOf(1_000);
    static final BigInteger OUR_OTHER_BOND = BigInteger.valueOf(300);

    @TempDir
    Path dir;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    MessageStore store;
    ChainRecorder l1;
    GameGauges gauges;
    /** The credit the fake game contracts owe us, and the games asked. */
    final Map<String, BigInteger> credit = new HashMap<>();
    final List<String> creditReads = new ArrayList<>();

    @BeforeEach
    void start() {
        store = MessageStores.open(StoreConfig.sqlite(dir.resolve("store.db")), new ChainTopology(Map.of(L2, L1), 1));
        l1 = new ChainRecorder(store, L1);
        List<URI> rpc = List.of(URI.create("http://127.0.0.1:9"));
        ChainConfig l1Config = new ChainConfig("l1", L1, ChainRole.L1, rpc, List.of(), Confirmations.blocks(0), 0,
                Duration.ofSeconds(1), 100, List.of(Settlement.disputeGames(L2, "0x01", "0x02", "0x03", "0x04",
                        "0x05")), null, null);
        ChainConfig l2Config = new ChainConfig("l2a", L2, ChainRole.L2, rpc, List.of(), Confirmations.blocks(0), 0,
                Duration.ofSeconds(1), 100, List.of(), new ChainConfig.L2Contracts("0x06", "0x07", null, null), L1);
        MonitoredChains chains = MonitoredChains.of(List.of(l1Config, l2Config), Map.<Long, EthApi>of(), Map.of());
        MonitorMetrics metrics = new MonitorMetrics(meters);
        Actors noKeys = new Actors(Map.of(), List.of(), List.of(), store, FeePolicy.defaults(), metrics,
                new TxMetrics(meters, "monitor"));
        gauges = new GameGauges(chains, store, noKeys, new Windows(chains), metrics);
    }

    @AfterEach
    void stop() {
        store.close();
    }

    @Test
    void gamesClaimsClocksAndBondsAreCountedFromTheStore() {
        // Resolved: a true root that stood, a false root we refuted (our bond in it), a true root refuted.
        String trueStood = game(0, true);
        l1.resolved(L2, trueStood, GameRecord.Status.DEFENDER_WINS);
        String falseRefuted = game(1, false);
        l1.move(L2, falseRefuted, 1, 0, 2, US, OUR_BOND, 4);
        l1.resolved(L2, falseRefuted, GameRecord.Status.CHALLENGER_WINS);
        String trueRefuted = game(2, true);
        l1.move(L2, trueRefuted, 1, 0, 2, LIAR, OUR_BOND, 4);
        l1.resolved(L2, trueRefuted, GameRecord.Status.CHALLENGER_WINS);
        // In progress: a false root we attacked and the liar defended (its claim 2 uncountered: our clock runs),
        // a root not checked yet, and a true root attacked by the liar and defended by us.
        String falseInPlay = game(3, false);
        l1.move(L2, falseInPlay, 1, 0, 2, US, OUR_BOND, 10);
        BlockRef liarMove = l1.move(L2, falseInPlay, 2, 1, 4, LIAR, OUR_BOND, 30);
        game(4, null);
        String trueInPlay = game(5, true);
        l1.move(L2, trueInPlay, 1, 0, 2, LIAR, OUR_BOND, 6);
        l1.move(L2, trueInPlay, 2, 1, 4, US, OUR_OTHER_BOND, 8);
        credit.put(falseRefuted, BigInteger.valueOf(81_000));

        long now = liarMove.timestamp() + 100;
        gauges.update("l2a", L2, now, US, this::owed);

        assertThat(games("IN_PROGRESS", "disagree")).as("the false root in play").isEqualTo(1);
        assertThat(games("IN_PROGRESS", "unknown")).isEqualTo(1);
        assertThat(games("IN_PROGRESS", "agree")).isEqualTo(1);
        assertThat(games("DEFENDER_WINS", "agree")).isEqualTo(1);
        assertThat(games("DEFENDER_WINS", "disagree")).isZero();
        assertThat(games("CHALLENGER_WINS", "agree")).isEqualTo(1);
        assertThat(games("CHALLENGER_WINS", "disagree")).as("the true root refuted").isEqualTo(1);
        // Honest: our three claims in play and the true root; dishonest: the false root and the liar's claim we
        // countered; unknown: the liar's uncountered claim and the unchecked root.
        assertThat(claims("honest")).isEqualTo(3);
        assertThat(claims("dishonest")).isEqualTo(2);
        assertThat(claims("unknown")).isEqualTo(2);
        // Our clock against the liar's claim: the 10 s our claim 1 had used, and 100 s since the liar's move.
        assertThat(gauge("crossbar.monitor.game.clock.left.seconds")).isEqualTo(MAX_CLOCK - 10 - 100);
        assertThat(bonds("at_stake")).isEqualTo(OUR_BOND.add(OUR_OTHER_BOND).doubleValue());
        assertThat(bonds("claimable")).isEqualTo(81_000);
        assertThat(creditReads).as("credit is read only from the resolved game we have claims in")
                .containsExactly(falseRefuted);

        // We counter the liar's claim: no clock runs against us any more, that claim is known dishonest.
        l1.move(L2, falseInPlay, 3, 2, 8, US, OUR_BOND, 20);
        // The credit is claimed.
        credit.put(falseRefuted, BigInteger.ZERO);
        gauges.update("l2a", L2, now + 50, US, this::owed);

        assertThat(gauge("crossbar.monitor.game.clock.left.seconds")).isNaN();
        assertThat(claims("dishonest")).isEqualTo(3);
        assertThat(claims("unknown")).isEqualTo(1);
        assertThat(bonds("at_stake")).isEqualTo(OUR_BOND.add(OUR_BOND).add(OUR_OTHER_BOND).doubleValue());
        assertThat(bonds("claimable")).isZero();

        gauges.update("l2a", L2, now + 60, US, this::owed);
        assertThat(creditReads).as("a credit read 0 is not read again").hasSize(2);

        // The false root falls: it now agrees with the verdict; nothing runs, nothing is at stake.
        l1.resolved(L2, falseInPlay, GameRecord.Status.CHALLENGER_WINS);
        credit.put(falseInPlay, BigInteger.valueOf(5_000));
        gauges.update("l2a", L2, now + 70, US, this::owed);
        assertThat(games("IN_PROGRESS", "disagree")).isZero();
        assertThat(games("CHALLENGER_WINS", "agree")).isEqualTo(2);
        assertThat(bonds("at_stake")).isEqualTo(OUR_OTHER_BOND.doubleValue());
        assertThat(bonds("claimable")).isEqualTo(5_000);
    }

    @Test
    void withoutAChallengerKeyAFalseRootRunsTheClockAndNoBondIsOurs() {
        String falseRoot = game(0, false);
        long created = l1.last().timestamp();

        gauges.update("l2a", L2, created + 1_000, null, this::owed);

        assertThat(gauge("crossbar.monitor.game.clock.left.seconds")).as("nobody countered the false root")
                .isEqualTo(MAX_CLOCK - 1_000);
        assertThat(claims("dishonest")).isEqualTo(1);
        assertThat(bonds("at_stake")).isZero();
        assertThat(bonds("claimable")).isZero();
        l1.resolved(L2, falseRoot, GameRecord.Status.DEFENDER_WINS);
        gauges.update("l2a", L2, created + 4_000, null, this::owed);
        assertThat(games("DEFENDER_WINS", "disagree")).as("resolved against the verdict").isEqualTo(1);
        assertThat(gauge("crossbar.monitor.game.clock.left.seconds")).isNaN();
        assertThat(creditReads).isEmpty();
    }

    /** Game {@code index} created by the proposer; {@code valid} the monitor's verdict on its root (null: none). */
    private String game(long index, Boolean valid) {
        String game = l1.game(L2, index, 10 + index, ChainRecorder.hash("root:" + index), MAX_CLOCK, PROPOSER,
                INIT_BOND);
        if (valid != null) {
            store.recordGameVerdict(game, valid, "test", GameChecks.BY);
        }
        return game;
    }

    private BigInteger owed(String game, String recipient) {
        assertThat(recipient).isEqualTo(US);
        creditReads.add(game);
        return credit.getOrDefault(game, BigInteger.ZERO);
    }

    private double games(String status, String agreement) {
        return meters.get("crossbar.monitor.games").tags("chain", "l2a", "status", status, "agreement", agreement)
                .gauge().value();
    }

    private double claims(String honesty) {
        return meters.get("crossbar.monitor.game.claims").tags("chain", "l2a", "honesty", honesty).gauge().value();
    }

    private double bonds(String state) {
        return meters.get("crossbar.monitor.game.bonds.wei").tags("chain", "l2a", "state", state).gauge().value();
    }

    private double gauge(String name) {
        return meters.get(name).tag("chain", "l2a").gauge().value();
    }
}

package dev.crossbar.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.app.ExitCodes;
import dev.crossbar.app.http.ChainStatusSource;
import dev.crossbar.app.testing.ApiFixture;
import dev.crossbar.app.testing.Seed;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code crossbar games} against a running service's API (a real HTTP server over a real store). */
class GamesCommandTest {
    @TempDir
    Path dir;

    ApiFixture api;

    @BeforeEach
    void start() throws Exception {
        api = new ApiFixture(dir, false, ChainStatusSource.none());
        Seed.messages(api.store);
        Seed.games(api.store);
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    @Test
    void gamesListPrintsATableNewestFirstWithClocks() {
        Cli cli = Cli.run("games", "list", "--url", api.url());

        assertThat(cli.exitCode).as(cli.toString()).isEqualTo(ExitCodes.OK);
        List<String> lines = cli.out.lines().toList();
        assertThat(lines.getFirst()).matches("L2 +INDEX +TYPE +L2 BLOCK +ROOT CLAIM +STATUS +CREATED +CLAIMS +VERDICT"
                + " +BLACKLISTED +CLOCKS");
        assertThat(lines).hasSize(4);
        String root = Seed.hash("root:" + Seed.GAME_A1).substring(0, 10);
        assertThat(lines.get(1)).matches("901 +1 +255 +20 +" + root + "\\.\\. +IN_PROGRESS +2023-11-14T22:13:24Z +4"
                + " +- +no +C \\d+d\\d\\dh D \\d+d\\d\\dh \\(0s left\\)");
        assertThat(lines.get(2)).matches("902 +0 +255 +5 +\\S+ +IN_PROGRESS +\\S+ +1 +- +yes +C \\d+d\\d\\dh D -.*");
        assertThat(lines.get(3)).matches("901 +0 +255 +10 +\\S+ +DEFENDER_WINS +\\S+ +1 +VALID +no +-");
    }

    @Test
    void gamesListFilters() {
        Cli won = Cli.run("games", "list", "--status", "defender_wins", "--url", api.url());
        assertThat(won.exitCode).as(won.toString()).isZero();
        assertThat(won.out.lines().skip(1).toList()).singleElement()
                .satisfies(l -> assertThat(l).contains("DEFENDER_WINS"));
        Cli l2b = Cli.run("games", "list", "--chain", "l2b", "--url", api.url());
        assertThat(l2b.out.lines().skip(1).toList()).singleElement().satisfies(l -> assertThat(l).startsWith("902 "));
        Cli one = Cli.run("games", "list", "--limit", "1", "--url", api.url());
        assertThat(one.out.lines().toList()).hasSize(2);
        Cli none = Cli.run("games", "list", "--type", "0", "--url", api.url());
        assertThat(none.out).isEqualTo("no games\n");
        Cli bad = Cli.run("games", "list", "--status", "LOST", "--url", api.url());
        assertThat(bad.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err).contains("unknown status 'LOST'");
    }

    @Test
    void gamesShowPrintsTheGameItsClaimsAndHistory() {
        Cli cli = Cli.run("games", "show", "1", "--url", api.url());

        assertThat(cli.exitCode).as(cli.toString()).isEqualTo(ExitCodes.OK);
        assertThat(cli.out).contains("game 1 of chain 901 at " + Seed.GAME_A1, "  status      IN_PROGRESS",
                "  blacklisted no", "  verdict     not checked yet");
        assertThat(cli.out.lines().filter(l -> l.startsWith("  clocks")).findFirst().orElseThrow())
                .matches("  clocks +challenger used \\d+d\\d\\dh, defender used \\d+d\\d\\dh, 0s left");
        List<String> claims = section(cli.out, "claims:");
        assertThat(claims).hasSize(5);
        assertThat(claims.get(1)).matches("  0 +- +0 +1 +0x\\S+ +0x0+c0 +80000000000000000 +0s used at 2023-11-14T22:13:24Z");
        assertThat(claims.get(3)).matches("  2 +1 +2 +4 +0x\\S+ +0x\\S+ +80000000000000000 +7s used at"
                + " 2023-11-14T22:13:26Z");
        assertThat(section(cli.out, "history:")).extracting(l -> l.trim().split(" +")[1])
                .containsExactly("CREATED", "MOVE", "MOVE", "MOVE");

        Cli won = Cli.run("games", "show", Seed.GAME_A0, "--url", api.url());
        assertThat(won.out).contains("  status      DEFENDER_WINS (resolved 2023-11-14T22:13:26Z)",
                "  verdict     VALID by relayer: the L2 node gives the same output root for L2 block 10")
                .doesNotContain("clocks");
    }

    @Test
    void gamesShowOfAnUnknownOrAmbiguousGameSaysWhy() {
        Cli unknown = Cli.run("games", "show", "9", "--url", api.url());
        assertThat(unknown.exitCode).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(unknown.err).contains("no game with index 9 on any L2");
        Cli ambiguous = Cli.run("games", "show", "0", "--url", api.url());
        assertThat(ambiguous.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(ambiguous.err)
                .contains("game index 0 is on several L2s (l2a, l2b): say which with the chain parameter");
        Cli chosen = Cli.run("games", "show", "0", "--chain", "l2b", "--url", api.url());
        assertThat(chosen.exitCode).as(chosen.toString()).isZero();
        assertThat(chosen.out).contains("game 0 of chain 902 at " + Seed.GAME_B0, "  blacklisted yes");
    }

    @Test
    void durationsAreWrittenInTheirTwoLargestUnits() {
        assertThat(List.of(GamesCommand.duration(45), GamesCommand.duration(320), GamesCommand.duration(3_720),
                GamesCommand.duration(302_400))).containsExactly("45s", "5m20s", "1h02m", "3d12h");
    }

    /** The indented lines after {@code heading}. */
    private static List<String> section(String out, String heading) {
        return Arrays.stream(out.split("\n")).dropWhile(l -> !l.equals(heading)).skip(1)
                .takeWhile(l -> l.startsWith("  ")).toList();
    }
}

package dev.crossbar.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.app.ExitCodes;
import dev.crossbar.app.http.ChainProgress;
import dev.crossbar.app.testing.ApiFixture;
import dev.crossbar.app.testing.Seed;
import dev.crossbar.core.model.MessageState;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's CLI against a running service's API (a real HTTP server over a real store). */
class MessagesCommandTest {
    @TempDir
    Path dir;

    ApiFixture api;

    @BeforeEach
    void start() throws Exception {
        api = new ApiFixture(dir, true, id -> id == Seed.L2A ? Optional.of(new ChainProgress(42, 40))
                : Optional.empty());
        Seed.messages(api.store);
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    @Test
    void messagesShowPrintsTheHistoryOfARelayedMessage() {
        Cli cli = Cli.run("messages", "show", Seed.RELAYED, "--url", api.url());
        assertThat(cli.exitCode).as(cli.toString()).isEqualTo(ExitCodes.OK);
        assertThat(cli.out).contains("message " + Seed.RELAYED, "state      RELAYED", "kind       CROSS_ROLLUP",
                "route      chain 901 -> chain 902");
        List<String> history = Arrays.stream(cli.out.split("\n")).dropWhile(l -> !l.equals("history:")).skip(1)
                .takeWhile(l -> l.startsWith("  ")).toList();
        assertThat(history).hasSize(3);
        assertThat(history.get(0)).matches("  \\d{4}-\\d\\d-\\d\\dT\\S+Z +\\(new\\) -> SENT +sent on .*");
        assertThat(history.get(1)).matches("  \\S+ +SENT -> READY +confirmed on chain 901: due for relay");
        assertThat(history.get(2)).matches("  \\S+ +READY -> RELAYED +relayed on .*");
    }

    @Test
    void anL2ToL2MessageShowsItsIdentifierItsRelaysAccessListEntryByEntryAndTheResendCall() {
        var m = api.store.message(Seed.RELAYED).orElseThrow();
        var declared = new dev.crossbar.core.protocol.ExecutingMessages.Message(
                new dev.crossbar.core.protocol.ExecutingMessages.Identifier(
                        dev.crossbar.core.protocol.Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, m.source().blockNumber(),
                        m.source().logIndex(), m.source().blockTimestamp(), java.math.BigInteger.valueOf(901)),
                org.web3j.crypto.Hash.sha3(new byte[] {7}));
        var raw = org.web3j.crypto.RawTransaction.createTransaction(902, java.math.BigInteger.ZERO,
                java.math.BigInteger.valueOf(200_000), dev.crossbar.core.protocol.Predeploys
                        .L2_TO_L2_CROSS_DOMAIN_MESSENGER, java.math.BigInteger.ZERO, "0x", java.math.BigInteger.ONE,
                java.math.BigInteger.TWO, dev.crossbar.core.protocol.ExecutingMessages.accessList(List.of(declared)));
        byte[] signed = org.web3j.crypto.TransactionEncoder.signMessage(raw, org.web3j.crypto.Credentials.create(
                "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"));
        String hash = org.web3j.utils.Numeric.toHexString(org.web3j.crypto.Hash.sha3(signed));
        api.store.recordTransaction(new dev.crossbar.store.TxRecord(0, Seed.RELAYED, "RELAY", 902,
                "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", java.math.BigInteger.ZERO, hash,
                org.web3j.utils.Numeric.toHexString(signed), java.math.BigInteger.TWO, java.math.BigInteger.ONE,
                java.math.BigInteger.valueOf(200_000), dev.crossbar.store.TxRecord.Status.SIGNED, null, null, null,
                null));

        Cli cli = Cli.run("messages", "show", Seed.RELAYED, "--url", api.url());
        assertThat(cli.exitCode).as(cli.toString()).isEqualTo(ExitCodes.OK);
        assertThat(cli.out).contains("identifier origin " + dev.crossbar.core.protocol.Predeploys
                .L2_TO_L2_CROSS_DOMAIN_MESSENGER + ", chain 901, block " + m.source().blockNumber());
        List<String> keys = dev.crossbar.core.protocol.ExecutingMessages.storageKeys(declared.id(), declared.msgHash());
        assertThat(cli.out).contains("    access list:",
                "      [0] 0x4200000000000000000000000000000000000022 " + keys.get(0) + "  lookup    chain 901, block "
                        + m.source().blockNumber() + ", timestamp " + m.source().blockTimestamp() + ", log "
                        + m.source().logIndex(),
                "      [1] 0x4200000000000000000000000000000000000022 " + keys.get(1) + "  checksum  of message 0");

        Cli resend = Cli.run("messages", "resend", Seed.RELAYED, "--url", api.url());
        assertThat(resend.exitCode).as(resend.toString()).isEqualTo(ExitCodes.OK);
        String selector = org.web3j.crypto.Hash.sha3String("resendMessage(uint256,uint256,address,address,bytes)")
                .substring(0, 10);
        assertThat(resend.out).contains("send on chain l2a (901), from any account:",
                "  to   " + dev.crossbar.core.protocol.Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, "  data " + selector);
        Cli notL2ToL2 = Cli.run("messages", "resend", Seed.DEPOSIT, "--url", api.url());
        assertThat(notL2ToL2.exitCode).as(notL2ToL2.toString()).isEqualTo(ExitCodes.FAILURE);
        assertThat(notL2ToL2.err).contains("only L2-to-L2 messages can be emitted again");
    }

    @Test
    void messagesShowOfAnUnknownIdExitsWith3() {
        Cli cli = Cli.run("messages", "show", Seed.hash("nothing"), "--url", api.url());
        assertThat(cli.exitCode).as(cli.toString()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(cli.err).contains("no message " + Seed.hash("nothing"));
    }

    @Test
    void messagesListFilters() {
        Cli relayed = Cli.run("messages", "list", "--state", "RELAYED", "--url", api.url());
        assertThat(relayed.exitCode).as(relayed.toString()).isZero();
        assertThat(relayed.out).contains(Seed.RELAYED).doesNotContain(Seed.WAITING).doesNotContain(Seed.DEPOSIT);
        assertThat(relayed.out.lines().findFirst().orElseThrow()).startsWith("ID").contains("KIND", "STATE");
        Cli two = Cli.run("messages", "list", "--state", "READY,SENT", "--url", api.url());
        assertThat(two.out).contains(Seed.WAITING, Seed.DEPOSIT).doesNotContain(Seed.RELAYED);
        Cli chain = Cli.run("messages", "list", "--chain", "l1", "--url", api.url());
        assertThat(chain.out).contains(Seed.DEPOSIT).doesNotContain(Seed.WAITING);
        Cli bad = Cli.run("messages", "list", "--state", "DELIVERED", "--url", api.url());
        assertThat(bad.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err).contains("unknown state 'DELIVERED'");
        Cli none = Cli.run("messages", "list", "--state", "EXITED", "--url", api.url());
        assertThat(none.out).isEqualTo("no messages\n");
    }

    @Test
    void messagesRetryNeedsTheTokenAndMovesTheMessage() {
        api.store.transition(Seed.WAITING, MessageState.FAILED, "reverted on chain 902");
        Cli missing = Cli.run(Map.of(), "messages", "retry", Seed.WAITING, "--token-env", "ADMIN", "--url", api.url());
        assertThat(missing.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err).contains("ADMIN (--token-env) is not set");
        Cli wrong = Cli.run(Map.of("ADMIN", "wrong"), "messages", "retry", Seed.WAITING, "--token-env", "ADMIN",
                "--url", api.url());
        assertThat(wrong.exitCode).isEqualTo(ExitCodes.FAILURE);
        assertThat(wrong.err).contains("Authorization: Bearer");
        assertThat(api.store.message(Seed.WAITING).orElseThrow().state()).isEqualTo(MessageState.FAILED);

        Cli ok = Cli.run(Map.of("ADMIN", ApiFixture.TOKEN), "messages", "retry", Seed.WAITING, "--token-env", "ADMIN",
                "--url", api.url());
        assertThat(ok.exitCode).as(ok.toString()).isZero();
        assertThat(ok.out).contains("is READY (retried by operator)");
        Cli again = Cli.run(Map.of("ADMIN", ApiFixture.TOKEN), "messages", "retry", Seed.WAITING, "--token-env",
                "ADMIN", "--url", api.url());
        assertThat(again.exitCode).isEqualTo(ExitCodes.FAILURE);
        assertThat(again.err).contains("is READY: only FAILED or DEAD_LETTERED");
    }

    @Test
    void aUrlWithThePathPrefixReachesAServiceServedUnderIt() throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("prefixed"));
        try (ApiFixture prefixed = new ApiFixture(dir.resolve("prefixed"), true, false, "/ops/crossbar",
                dev.crossbar.app.http.ChainStatusSource.none())) {
            Seed.messages(prefixed.store);
            assertThat(prefixed.url()).endsWith("/ops/crossbar");
            for (String url : List.of(prefixed.url(), prefixed.url() + "/", prefixed.url() + "//")) {
                Cli status = Cli.run("status", "--url", url);
                assertThat(status.exitCode).as(url + ": " + status).isZero();
                assertThat(status.out).contains("messages: READY 1, RELAYED 1, SENT 1");
            }
            Cli show = Cli.run("messages", "show", Seed.RELAYED, "--url", prefixed.url());
            assertThat(show.exitCode).as(show.toString()).isZero();
            prefixed.store.transition(Seed.WAITING, MessageState.FAILED, "reverted on chain 902");
            Cli retry = Cli.run(Map.of("ADMIN", ApiFixture.TOKEN), "messages", "retry", Seed.WAITING, "--token-env",
                    "ADMIN", "--url", prefixed.url() + "/");
            assertThat(retry.exitCode).as(retry.toString()).isZero();
            assertThat(prefixed.store.message(Seed.WAITING).orElseThrow().state()).isEqualTo(MessageState.READY);

            String origin = prefixed.url().substring(0, prefixed.url().length() - "/ops/crossbar".length());
            Cli withoutPrefix = Cli.run("status", "--url", origin);
            assertThat(withoutPrefix.exitCode).as(withoutPrefix.toString()).isEqualTo(ExitCodes.NOT_FOUND);
            assertThat(withoutPrefix.err).contains("this server serves under /ops/crossbar/");
            Cli withQuery = Cli.run("status", "--url", prefixed.url() + "?x=1");
            assertThat(withQuery.exitCode).isEqualTo(ExitCodes.USAGE);
            assertThat(withQuery.err).contains("--url '" + prefixed.url() + "?x=1' has a query: give the service's"
                    + " base URL");
        }
    }

    @Test
    void againstAServiceWithAReadTokenTheCliSendsTheTokenItsEnvironmentHolds() throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("read"));
        try (ApiFixture closed = new ApiFixture(dir.resolve("read"), true, true,
                dev.crossbar.app.http.ChainStatusSource.none())) {
            Seed.messages(closed.store);
            Cli without = Cli.run(Map.of(), "status", "--url", closed.url());
            assertThat(without.exitCode).as(without.toString()).isEqualTo(ExitCodes.FAILURE);
            assertThat(without.err).contains("the API needs Authorization: Bearer <token> with the configured"
                    + " http.readToken");
            Cli byDefault = Cli.run(Map.of("CROSSBAR_READ_TOKEN", ApiFixture.READ_TOKEN), "status", "--url",
                    closed.url());
            assertThat(byDefault.exitCode).as(byDefault.toString()).isZero();
            assertThat(byDefault.out).contains("messages: READY 1, RELAYED 1, SENT 1");
            Cli named = Cli.run(Map.of("MY_TOKEN", ApiFixture.READ_TOKEN), "messages", "show", Seed.RELAYED,
                    "--token-env", "MY_TOKEN", "--url", closed.url());
            assertThat(named.exitCode).as(named.toString()).isZero();
            Cli unset = Cli.run(Map.of(), "messages", "list", "--token-env", "MY_TOKEN", "--url", closed.url());
            assertThat(unset.exitCode).isEqualTo(ExitCodes.USAGE);
            assertThat(unset.err).contains("MY_TOKEN (--token-env) is not set");

            closed.store.transition(Seed.WAITING, MessageState.FAILED, "reverted on chain 902");
            Cli retryWithoutAdmin = Cli.run(Map.of("CROSSBAR_READ_TOKEN", ApiFixture.READ_TOKEN), "messages", "retry",
                    Seed.WAITING, "--url", closed.url());
            assertThat(retryWithoutAdmin.exitCode).isEqualTo(ExitCodes.USAGE);
            assertThat(retryWithoutAdmin.err).contains("retry is an admin action: --token-env NAME");
            Cli retryWithRead = Cli.run(Map.of("T", ApiFixture.READ_TOKEN), "messages", "retry", Seed.WAITING,
                    "--token-env", "T", "--url", closed.url());
            assertThat(retryWithRead.exitCode).isEqualTo(ExitCodes.FAILURE);
            assertThat(closed.store.message(Seed.WAITING).orElseThrow().state()).isEqualTo(MessageState.FAILED);
            Cli retry = Cli.run(Map.of("ADMIN", ApiFixture.TOKEN), "messages", "retry", Seed.WAITING, "--token-env",
                    "ADMIN", "--url", closed.url());
            assertThat(retry.exitCode).as(retry.toString()).isZero();
        }
    }

    @Test
    void statusPrintsChainsMessagesAndFindings() {
        Cli cli = Cli.run("status", "--url", api.url());
        assertThat(cli.exitCode).as(cli.toString()).isZero();
        assertThat(cli.out).contains("crossbar at " + api.url());
        assertThat(cli.out.lines().filter(l -> l.startsWith("l2a")).findFirst().orElseThrow())
                .matches("l2a +901 +L2 +42 +40 +2 +ok");
        assertThat(cli.out.lines().filter(l -> l.startsWith("l2b")).findFirst().orElseThrow())
                .matches("l2b +902 +L2 +- +1 +- +ok");
        assertThat(cli.out).contains("messages: READY 1, RELAYED 1, SENT 1", "findings: none open");
    }

    @Test
    void statusOfAServiceThatIsNotRunningExitsWith1() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Cli cli = Cli.run("status", "--url", "http://127.0.0.1:" + port);
        assertThat(cli.exitCode).isEqualTo(ExitCodes.FAILURE);
        assertThat(cli.err).contains("cannot reach the crossbar service at http://127.0.0.1:" + port
                + ": connection refused (is it running?");
        assertThat(Cli.run("status", "--url", "ftp://x").exitCode).isEqualTo(ExitCodes.USAGE);
    }
}

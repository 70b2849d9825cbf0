package dev.crossbar.monitor.check;

import static dev.crossbar.monitor.Observation.evidence;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.core.event.ProtocolEvent.CrossRollupRelayed;
import dev.crossbar.core.protocol.L2ToL2Payload;
import dev.crossbar.monitor.Check;
import dev.crossbar.monitor.FindingKind;
import dev.crossbar.monitor.Observation;
import dev.crossbar.monitor.chain.Consensus;
import dev.crossbar.monitor.chain.ContractReads;
import dev.crossbar.monitor.chain.MonitoredChains;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Optional;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * Rule: every cross-rollup message relayed on a destination was sent on its source chain. When the relay's
 * identifier can be read from its transaction, the source log it names (block, log index) must be a
 * {@code SentMessage} of the source messenger whose message hashes (with the source chain id) to the relayed hash,
 * in a block with the identifier's timestamp. In any case the source messenger's {@code sentMessages(nonce)} must be
 * the relayed hash. Every source endpoint that has the block must agree before a mismatch is a FORGED_RELAY; a relay
 * from a chain the monitor does not watch is UNVERIFIABLE_RELAY.
 */
public final class RelayCheck implements EventCheck {
    /** How far the source chain's clock must be past the relay before a nonce it never sent proves a forgery. */
    private static final long UNSENT_GRACE_SECONDS = 60;

    private final CrossRollupRelayed event;
    private final MonitoredChains chains;

    public RelayCheck(CrossRollupRelayed event, MonitoredChains chains) {
        this.event = event;
        this.chains = chains;
    }

    /** What the source chain has at the identified log. */
    record SourceLog(boolean found, String messageHash, BigInteger nonce, long blockTimestamp) {}

    @Override
    public Check check() {
        return Check.RELAYS;
    }

    @Override
    public long chainId() {
        return event.ref().chainId();
    }

    @Override
    public String describe() {
        return "relay of " + event.messageHash() + " on " + chains.name(chainId()) + " block "
                + event.ref().blockNumber();
    }

    @Override
    public Outcome run(boolean waitForBehind) {
        long dest = chainId();
        if (!fitsLong(event.source()) || !chains.has(event.source().longValueExact())) {
            return Outcome.Found.of(new Observation(FindingKind.UNVERIFIABLE_RELAY, dest, "UNVERIFIABLE_RELAY:" + dest
                    + ":" + event.messageHash(), "message " + event.messageHash() + " relayed on " + chains.name(dest)
                    + " claims source chain " + event.source() + ", which the monitor does not watch",
                    evidence("chain", chains.name(dest), "messageHash", event.messageHash(), "source", event.source(),
                            "nonce", event.nonce(), "block", event.ref().blockNumber(), "tx", event.ref().txHash())));
        }
        long source = event.source().longValueExact();
        String messenger = chains.chain(source).l2Contracts().l2ToL2Messenger();
        String destMessenger = chains.chain(dest).l2Contracts().l2ToL2Messenger();
        Optional<RelayIdentifiers.Relay> relay = chains.client(dest).transaction(event.ref().txHash())
                .flatMap(t -> RelayIdentifiers.find(t.getTo(), t.getInput(), destMessenger, event.messageHash()));
        if (relay.isPresent()) {
            Outcome byLog = checkSourceLog(relay.get(), source, messenger, waitForBehind);
            if (!(byLog instanceof Outcome.Passed)) {
                return byLog;
            }
        }
        return checkSentMessages(source, messenger, relay.isPresent());
    }

    private Outcome checkSourceLog(RelayIdentifiers.Relay relay, long source, String messenger, boolean wait) {
        long block = relay.blockNumber().longValueExact();
        long logIndex = relay.logIndex().longValueExact();
        Consensus<SourceLog> seen = chains.witnesses(source).at(block, wait, e -> sourceLog(e, messenger, source,
                block, logIndex));
        return switch (seen) {
            case Consensus.Pending<SourceLog> p -> new Outcome.Wait(Duration.ofSeconds(3), p.reason());
            case Consensus.Disagreed<SourceLog> d -> new Outcome.Wait(Duration.ofSeconds(10),
                    "source endpoints disagree on the log at block " + block + ": " + d.answers());
            case Consensus.Agreed<SourceLog> a -> {
                SourceLog log = a.value();
                String expected = "a SentMessage of " + event.messageHash() + " at " + chains.name(source) + " block "
                        + block + " log " + logIndex + " with timestamp " + relay.timestamp();
                if (!log.found()) {
                    yield forged("the identified source log is not a SentMessage of the messenger", expected,
                            "no such log", block, logIndex);
                }
                if (!log.messageHash().equalsIgnoreCase(event.messageHash())) {
                    yield forged("the identified source log carries another message", expected,
                            "SentMessage of " + log.messageHash(), block, logIndex);
                }
                if (log.blockTimestamp() != relay.timestamp().longValue()) {
                    yield forged("the identifier's timestamp is not its block's", expected,
                            "block timestamp " + log.blockTimestamp(), block, logIndex);
                }
                yield new Outcome.Passed("source log matches");
            }
        };
    }

    private static SourceLog sourceLog(EthApi e, String messenger, long source, long block, long logIndex) {
        Optional<EthApi.Header> header = e.findHeader(block);
        if (header.isEmpty()) {
            return null;
        }
        for (Log l : e.logs(messenger, L2ToL2Payload.SENT_MESSAGE_TOPIC, block, block)) {
            if (l.getLogIndex() != null && l.getLogIndex().longValueExact() == logIndex) {
                L2ToL2Payload p = L2ToL2Payload.fromLog(l.getTopics(), l.getData());
                return new SourceLog(true, Numeric.toHexString(p.messageHash(BigInteger.valueOf(source))), p.nonce(),
                        header.get().timestamp());
            }
        }
        return new SourceLog(false, null, null, header.get().timestamp());
    }

    private Outcome checkSentMessages(long source, String messenger, boolean identified) {
        Consensus<String> sent = chains.witnesses(source).atHead(e -> ContractReads.sentCrossRollup(e, messenger,
                event.nonce(), ProtocolViews.LATEST));
        return switch (sent) {
            case Consensus.Pending<String> p -> new Outcome.Wait(Duration.ofSeconds(3), p.reason());
            case Consensus.Disagreed<String> d -> new Outcome.Wait(Duration.ofSeconds(5),
                    "source endpoints disagree on sentMessages(" + event.nonce() + "): " + d.answers());
            case Consensus.Agreed<String> a when a.value().equalsIgnoreCase(event.messageHash()) ->
                    new Outcome.Passed("sent on " + chains.name(source) + " under nonce " + event.nonce()
                            + (identified ? " at the identified log" : ""));
            case Consensus.Agreed<String> a when Numeric.toBigInt(a.value()).signum() != 0 -> forged(
                    "the source sent another message under this nonce", "sentMessages(" + event.nonce() + ") = "
                            + event.messageHash(), a.value(), -1, -1);
            case Consensus.Agreed<String> a -> unsent(source);
        };
    }

    /** The source never sent the nonce: forged once the source's clock is well past the relay, else wait. */
    private Outcome unsent(long source) {
        long sourceNow = chains.client(source).latest().timestamp();
        if (sourceNow < event.ref().blockTimestamp() + UNSENT_GRACE_SECONDS) {
            return new Outcome.Wait(Duration.ofSeconds(5), "nonce " + event.nonce() + " not sent on "
                    + chains.name(source) + " yet (its clock is at " + sourceNow + ")");
        }
        return forged("the source chain never sent this nonce", "sentMessages(" + event.nonce() + ") = "
                + event.messageHash(), "0x0 (never sent)", -1, -1);
    }

    private Outcome forged(String what, String expected, String seen, long sourceBlock, long sourceLogIndex) {
        long dest = chainId();
        return Outcome.Found.of(new Observation(FindingKind.FORGED_RELAY, dest, "FORGED_RELAY:" + dest + ":"
                + event.messageHash() + ":" + event.ref().txHash(), "message " + event.messageHash() + " relayed on "
                + chains.name(dest) + " from " + chains.name(event.source().longValueExact()) + " was never sent: "
                + what, evidence("chain", chains.name(dest), "messageHash", event.messageHash(),
                        "source", chains.name(event.source().longValueExact()), "nonce", event.nonce(),
                        "relayBlock", event.ref().blockNumber(), "relayTx", event.ref().txHash(),
                        "sourceBlock", sourceBlock < 0 ? "-" : sourceBlock,
                        "sourceLogIndex", sourceLogIndex < 0 ? "-" : sourceLogIndex,
                        "expected", expected, "seen", seen)));
    }

    private static boolean fitsLong(BigInteger v) {
        return v.signum() >= 0 && v.bitLength() < 63;
    }
}

package dev.crossbar.app.chaos;

import dev.crossbar.core.json.Json;
import java.util.List;
import java.util.Map;

/**
 * What {@link ChainAudit} found, read from the chains: the messages of every flow and what became of them, every
 * transaction of the audited signers that reverted or had no effect, the signers' nonces, and (with a store) what the
 * store holds that the chains do not explain. Prints as a fixed-width table ({@link #table()}) and as one JSON line
 * ({@link #json()}).
 *
 * @param heads the block each chain was audited up to, by chain id
 * @param flows one row per flow, in {@link ChainAudit.Flow} order
 * @param problems every message lost, delivered more than once, or effect without a message (orphan), one line each
 * @param signers one row per audited signer and chain: its transactions by outcome
 * @param extraTransactions the signers' transactions that reverted or had no effect
 * @param nonces the nonce health of each audited signer on each chain
 * @param store what the store holds that the chains do not explain (empty without a store)
 */
public record AuditResult(Map<Long, Long> heads, List<FlowRow> flows, List<Problem> problems,
        List<SignerRow> signers, List<ExtraTx> extraTransactions, List<NonceRow> nonces, List<StoreRow> store) {

    /**
     * One flow's messages.
     *
     * @param sent messages sent in the audited blocks
     * @param delivered with exactly one successful effect on their destination
     * @param failed with one effect whose call failed (a messenger's FailedRelayedMessage not followed by a
     *     successful replay, a deposit or withdrawal whose call reverted)
     * @param lost due and without any effect
     * @param doubled with more than one effect
     * @param orphans effects on the destination whose message is not on the source chain as it is now
     * @param notYetDue without an effect and not due yet (their window, or the caller's grace, has not passed)
     */
    public record FlowRow(ChainAudit.Flow flow, int sent, int delivered, int failed, int lost, int doubled,
            int orphans, int notYetDue) {}

    /** A message lost, delivered more than once, or an effect without a message; {@code kind} says which. */
    public record Problem(ChainAudit.Flow flow, String kind, String id, long chainId, String detail) {
        public static final String LOST = "lost";
        public static final String DOUBLE = "double";
        public static final String ORPHAN = "orphan";
    }

    /** One signer's transactions on one chain from its start block, by outcome. */
    public record SignerRow(String signer, long chainId, int transactions, int useful, int reverted, int noEffect) {
        /** Transactions that reverted or had no effect. */
        public int extra() {
            return reverted + noEffect;
        }
    }

    /**
     * A transaction of an audited signer that reverted or changed nothing of the protocol.
     *
     * @param outcome {@link #REVERTED} or {@link #NO_EFFECT}
     * @param purpose what the store recorded it for ({@code RELAY}, {@code CANCEL}, ...), null without a store or when
     *     the store has no record of it
     * @param why what the chain shows of it
     */
    public record ExtraTx(long chainId, String signer, long nonce, String hash, long block, String outcome,
            String purpose, String why) {
        public static final String REVERTED = "reverted";
        public static final String NO_EFFECT = "no effect";
    }

    /**
     * A signer's nonce on a chain.
     *
     * @param mined the chain's nonce at its latest block
     * @param pending the chain's nonce counting its pool
     * @param highestRecorded the highest nonce the store recorded for it (-1 when none; null without a store)
     * @param open transactions the store still has in flight for it (null without a store)
     * @param problem what is wrong, or null
     */
    public record NonceRow(String signer, long chainId, long mined, long pending, Long highestRecorded, Integer open,
            String problem) {}

    /** A store row the chains do not explain: a message whose state disagrees with the chain, or is not settled. */
    public record StoreRow(String id, String kind, String state, String why) {}

    /** Whether nothing is wrong: no message lost, none doubled, no orphan effect, no extra transaction, healthy
     * nonces, and nothing unexplained in the store. */
    public boolean clean() {
        return problems.isEmpty() && extraTransactions.isEmpty() && store.isEmpty()
                && nonces.stream().allMatch(n -> n.problem() == null);
    }

    /** Messages lost, over every flow. */
    public int lost() {
        return flows.stream().mapToInt(FlowRow::lost).sum();
    }

    /** Messages with more than one effect, over every flow. */
    public int doubled() {
        return flows.stream().mapToInt(FlowRow::doubled).sum();
    }

    /** Effects without their message, over every flow. */
    public int orphans() {
        return flows.stream().mapToInt(FlowRow::orphans).sum();
    }

    /** The row of {@code flow}. */
    public FlowRow flow(ChainAudit.Flow flow) {
        return flows.stream().filter(f -> f.flow() == flow).findFirst().orElseThrow();
    }

    /** The row of {@code signer} on {@code chainId} (any case). */
    public SignerRow signer(String signer, long chainId) {
        return signers.stream().filter(s -> s.signer().equalsIgnoreCase(signer) && s.chainId() == chainId)
                .findFirst().orElseThrow(() -> new java.util.NoSuchElementException("no signer row for " + signer
                        + " on chain " + chainId));
    }

    /** One JSON line (the project's JSON mapping). */
    public String json() {
        return Json.write(this);
    }

    /** The fixed-width table: the flows, then the signers' transactions, then every problem, one per line. */
    public String table() {
        StringBuilder out = new StringBuilder();
        String flowFormat = "%-18s %8s %10s %7s %6s %7s %7s %12s%n";
        out.append(String.format(flowFormat, "flow", "sent", "delivered", "failed", "lost", "double", "orphan",
                "not yet due"));
        for (FlowRow f : flows) {
            out.append(String.format(flowFormat, f.flow().label(), f.sent(), f.delivered(), f.failed(), f.lost(),
                    f.doubled(), f.orphans(), f.notYetDue()));
        }
        out.append('\n');
        String signerFormat = "%-42s %6s %6s %7s %9s %10s %6s%n";
        out.append(String.format(signerFormat, "signer", "chain", "txs", "useful", "reverted", "no effect", "extra"));
        for (SignerRow s : signers) {
            out.append(String.format(signerFormat, s.signer(), s.chainId(), s.transactions(), s.useful(), s.reverted(),
                    s.noEffect(), s.extra()));
        }
        for (ExtraTx x : extraTransactions) {
            out.append(String.format("  extra tx: chain %d nonce %d %s block %d: %s%s: %s%n", x.chainId(), x.nonce(),
                    x.hash(), x.block(), x.outcome(), x.purpose() == null ? "" : " (" + x.purpose() + ")", x.why()));
        }
        for (NonceRow n : nonces) {
            if (n.problem() != null) {
                out.append(String.format("  nonce: %s on chain %d: %s%n", n.signer(), n.chainId(), n.problem()));
            }
        }
        for (Problem p : problems) {
            out.append(String.format("  %s %s on chain %d: %s (%s)%n", p.flow().label(), p.kind(), p.chainId(), p.id(),
                    p.detail()));
        }
        for (StoreRow s : store) {
            out.append(String.format("  store: %s %s %s: %s%n", s.kind(), s.id(), s.state(), s.why()));
        }
        return out.toString();
    }
}

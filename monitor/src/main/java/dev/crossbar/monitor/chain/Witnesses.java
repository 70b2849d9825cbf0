package dev.crossbar.monitor.chain;

import dev.crossbar.core.chain.EthApi;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints of one chain, asked together so that a single wrong or lagging node cannot raise a false alarm. Each
 * is an {@link EthApi} of one endpoint, named by its label ({@link EthApi#name()}).
 *
 * <p>Rule: a question about block {@code n} is put to every endpoint that has reached {@code n}; an endpoint whose
 * head is below {@code n}, or that has not got the block, is <em>behind</em>, and an endpoint that fails to answer
 * is left out. The answer is {@link Consensus.Agreed} only when every endpoint that answered gave the same answer
 * and none is behind (or the caller has waited for the ones behind long enough); different answers are
 * {@link Consensus.Disagreed}; otherwise {@link Consensus.Pending}. Only an agreed answer may become a finding.
 */
public final class Witnesses {
    private static final Logger log = LoggerFactory.getLogger(Witnesses.class);

    private final String chain;
    private final List<EthApi> endpoints;

    public Witnesses(String chain, List<EthApi> endpoints) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("chain " + chain + ": at least one endpoint is needed");
        }
        this.chain = chain;
        this.endpoints = List.copyOf(endpoints);
    }

    public List<EthApi> endpoints() {
        return endpoints;
    }

    /**
     * Asks about block {@code block}.
     *
     * @param waitForBehind whether endpoints that have not reached the block hold the answer back (true until the
     *     caller has waited its tolerance)
     * @param question the question; null means the endpoint does not have what is asked about (it is behind)
     */
    public <T> Consensus<T> at(long block, boolean waitForBehind, Function<EthApi, T> question) {
        Map<String, T> answers = new LinkedHashMap<>();
        List<String> behind = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (EthApi e : endpoints) {
            try {
                long head = e.blockNumber();
                T answer = head < block ? null : question.apply(e);
                if (answer == null) {
                    behind.add(e.name() + " at " + head);
                } else {
                    answers.put(e.name(), answer);
                }
            } catch (RuntimeException ex) {
                failed.add(e.name() + ": " + ex.getMessage());
                log.debug("endpoint did not answer chain={} endpoint={} block={} error=\"{}\"", chain, e.name(), block,
                        ex.toString());
            }
        }
        return decide(answers, behind, failed, waitForBehind, "block " + block);
    }

    /** Asks every endpoint about its own latest state (the question reads at {@code latest}). */
    public <T> Consensus<T> atHead(Function<EthApi, T> question) {
        return at(0, false, question);
    }

    static <T> Consensus<T> decide(Map<String, T> answers, List<String> behind, List<String> failed,
            boolean waitForBehind, String what) {
        if (answers.values().stream().distinct().count() > 1) {
            return new Consensus.Disagreed<>(answers);
        }
        if (!behind.isEmpty() && waitForBehind) {
            return new Consensus.Pending<>("endpoints behind " + what + ": " + behind);
        }
        if (answers.isEmpty()) {
            return new Consensus.Pending<>("no endpoint answered about " + what + (behind.isEmpty() ? "" : "; behind: "
                    + behind) + (failed.isEmpty() ? "" : "; failed: " + failed));
        }
        return new Consensus.Agreed<>(answers.values().iterator().next(), List.copyOf(answers.keySet()));
    }
}

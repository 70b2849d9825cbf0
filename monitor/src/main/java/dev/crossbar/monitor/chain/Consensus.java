package dev.crossbar.monitor.chain;

import java.util.List;
import java.util.Map;

/** What a chain's endpoints, asked the same question, said together. */
public sealed interface Consensus<T> {

    /** Every endpoint that answered gave {@code value}. */
    record Agreed<T>(T value, List<String> endpoints) implements Consensus<T> {}

    /** No conclusion yet: endpoints are behind the block asked about, or none answered. Ask again later. */
    record Pending<T>(String reason) implements Consensus<T> {}

    /** Endpoints gave different answers: no conclusion, and no finding, until they agree. */
    record Disagreed<T>(Map<String, T> answers) implements Consensus<T> {}
}

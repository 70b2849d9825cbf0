package dev.crossbar.monitor.check;

import dev.crossbar.monitor.Observation;
import java.time.Duration;
import java.util.List;

/** What came of running a check once. */
public sealed interface Outcome {

    /** Nothing wrong; the check is done. */
    record Passed(String note) implements Outcome {}

    /** No conclusion yet (a deadline not reached, endpoints behind or disagreeing): run it again after {@code after}. */
    record Wait(Duration after, String reason) implements Outcome {}

    /** Something wrong: the check is done once these are recorded. */
    record Found(List<Observation> observations) implements Outcome {
        public Found {
            observations = List.copyOf(observations);
        }

        public static Found of(Observation o) {
            return new Found(List.of(o));
        }
    }
}

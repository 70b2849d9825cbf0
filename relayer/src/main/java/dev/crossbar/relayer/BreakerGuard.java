package dev.crossbar.relayer;

import dev.crossbar.core.chain.Chains;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.Transition;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Holds the messages of a chain whose circuit breaker is tripped as BLOCKED, and resumes them when it is reset. */
final class BreakerGuard {
    private static final Logger log = LoggerFactory.getLogger(BreakerGuard.class);

    private final MessageStore store;
    private final Chains chains;

    BreakerGuard(MessageStore store, Chains chains) {
        this.store = store;
        this.chains = chains;
    }

    /** Blocks a message whose chain's breaker is tripped, and brings it back when the breaker is reset. */
    boolean guard(MessageRecord m, Set<Long> tripped) {
        boolean blocked = tripped.contains(m.sourceChainId()) || tripped.contains(m.destinationChainId());
        if (blocked) {
            if (m.state() != MessageState.BLOCKED && m.state() != MessageState.RELAYING) {
                long chain = tripped.contains(m.sourceChainId()) ? m.sourceChainId() : m.destinationChainId();
                store.transitionIf(m.id(), m.state(), MessageState.BLOCKED, "circuit breaker of chain "
                        + chains.name(chain) + " is tripped");
                log.warn("message blocked messageId={} chain={}", m.id(), chains.name(chain));
            }
            return true;
        }
        if (m.state() == MessageState.BLOCKED) {
            List<Transition> history = store.history(m.id());
            MessageState before = history.stream().filter(t -> t.to() == MessageState.BLOCKED)
                    .reduce((a, b) -> b).map(Transition::from).orElse(MessageState.READY);
            store.transitionIf(m.id(), MessageState.BLOCKED, before, "circuit breaker reset");
            log.info("message unblocked messageId={} state={}", m.id(), before);
            return true;
        }
        return false;
    }
}

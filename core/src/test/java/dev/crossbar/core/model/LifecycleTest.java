package dev.crossbar.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The lifecycle table per kind of message, checked over every (kind, from, to). */
class LifecycleTest {

    @Test
    void everyMoveOfEveryKindStaysWithinTheStatesOfThatKind() {
        int allowed = 0;
        for (MessageKind kind : MessageKind.values()) {
            for (MessageState from : MessageState.values()) {
                for (MessageState to : MessageState.values()) {
                    if (from.canMoveTo(kind, to)) {
                        allowed++;
                        assertThat(kind.states()).as("%s %s -> %s", kind, from, to).contains(from, to);
                        assertThat(from.allowedMoves(kind)).contains(to);
                    } else {
                        assertThat(from.allowedMoves(kind)).doesNotContain(to);
                    }
                }
            }
        }
        assertThat(allowed).as("moves allowed over all kinds").isPositive();
    }

    @Test
    void aKindNeverReachesTheStatesOfAnotherKindsProtocol() {
        for (MessageState from : MessageState.values()) {
            for (MessageState to : List.of(MessageState.COMMITTED, MessageState.PROVEN, MessageState.IN_WINDOW)) {
                assertThat(from.canMoveTo(MessageKind.DEPOSIT, to)).as("deposit %s -> %s", from, to).isFalse();
                assertThat(from.canMoveTo(MessageKind.CROSS_ROLLUP, to)).as("fast %s -> %s", from, to).isFalse();
            }
            assertThat(from.canMoveTo(MessageKind.DEPOSIT, MessageState.RELAYING)).isFalse();
            assertThat(from.canMoveTo(MessageKind.WITHDRAWAL, MessageState.EXITED)).isFalse();
            assertThat(from.canMoveTo(MessageKind.CROSS_ROLLUP, MessageState.EXITED)).isFalse();
        }
    }

    @Test
    void theHappyPathOfEachKindIsAllowed() {
        path(MessageKind.WITHDRAWAL, MessageState.SENT, MessageState.COMMITTED, MessageState.PROVEN,
                MessageState.IN_WINDOW, MessageState.READY, MessageState.RELAYING, MessageState.RELAYED);
        path(MessageKind.CROSS_ROLLUP, MessageState.SENT, MessageState.READY, MessageState.RELAYING,
                MessageState.RELAYED);
        path(MessageKind.DEPOSIT, MessageState.SENT, MessageState.RELAYED);
        path(MessageKind.DEPOSIT, MessageState.SENT, MessageState.EXITED);
        path(MessageKind.DEPOSIT, MessageState.SENT, MessageState.FAILED, MessageState.DEAD_LETTERED,
                MessageState.READY);
    }

    @Test
    void everyStateOfAKindIsReachableFromSentAndFinalStatesHaveNoMoves() {
        for (MessageKind kind : MessageKind.values()) {
            Set<MessageState> seen = EnumSet.of(MessageState.SENT);
            Deque<MessageState> todo = new ArrayDeque<>(seen);
            while (!todo.isEmpty()) {
                for (MessageState next : todo.pop().allowedMoves(kind)) {
                    if (seen.add(next)) {
                        todo.add(next);
                    }
                }
            }
            assertThat(seen).as("reachable states of %s", kind).isEqualTo(kind.states());
            for (MessageState s : kind.states()) {
                if (s.isFinal()) {
                    assertThat(s.allowedMoves(kind)).as("%s %s", kind, s).isEmpty();
                }
            }
        }
    }

    private static void path(MessageKind kind, MessageState... states) {
        for (int i = 1; i < states.length; i++) {
            assertThat(states[i - 1].canMoveTo(kind, states[i])).as("%s %s -> %s", kind, states[i - 1], states[i])
                    .isTrue();
        }
    }
}

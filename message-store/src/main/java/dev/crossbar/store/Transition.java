package dev.crossbar.store;

import dev.crossbar.core.model.MessageState;
import java.time.Instant;

/** One step of a message's history: from (null when it was created), to, why, when. */
public record Transition(String messageId, MessageState from, MessageState to, String cause, Instant at) {}

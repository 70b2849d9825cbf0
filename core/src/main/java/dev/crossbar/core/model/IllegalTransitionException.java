package dev.crossbar.core.model;


/** A lifecycle move the transition table does not allow. */
public final class IllegalTransitionException extends IllegalStateException {
    private final String messageId;
    private final MessageState from;
    private final MessageState to;

    public IllegalTransitionException(String messageId, MessageKind kind, MessageState from, MessageState to) {
        super("message " + messageId + " (" + kind + ") cannot move from " + from + " to " + to + " (allowed from "
                + from + ": " + from.allowedMoves(kind) + ")");
        this.messageId = messageId;
        this.from = from;
        this.to = to;
    }

    public String messageId() {
        return messageId;
    }

    public MessageState from() {
        return from;
    }

    public MessageState to() {
        return to;
    }
}

package dev.crossbar.txmanager;

import java.util.List;
import java.util.Locale;

/**
 * What a node's refusal of {@code eth_sendRawTransaction} means, from one table of the phrases nodes use (geth,
 * reth, erigon, nethermind, besu, anvil). The first row whose phrase the message contains wins.
 */
enum SendRefusal {
    /** The node has this very transaction already: it was accepted. */
    ALREADY_KNOWN("already known", "known transaction", "already imported"),
    /** The nonce was used (by this transaction, if an earlier answer was lost, or by another one). */
    NONCE_USED("nonce too low", "nonce has already been used", "old nonce"),
    /** The price is too low: below the base fee, or not enough above the transaction it would replace. */
    UNDERPRICED("underpriced", "fee cap", "less than block base fee", "max fee per gas less than"),
    /** Anything else: the transaction itself is refused. */
    OTHER;

    private final List<String> phrases;

    SendRefusal(String... phrases) {
        this.phrases = List.of(phrases);
    }

    static SendRefusal of(String nodeMessage) {
        String m = String.valueOf(nodeMessage).toLowerCase(Locale.ROOT);
        for (SendRefusal r : values()) {
            if (r.phrases.stream().anyMatch(m::contains)) {
                return r;
            }
        }
        return OTHER;
    }

    /** Whether the key's balance cannot pay for the transaction (gas times price, plus value). */
    static boolean outOfFunds(String nodeMessage) {
        return String.valueOf(nodeMessage).toLowerCase(Locale.ROOT).contains("insufficient funds");
    }

    /** Whether an underpriced refusal was against the block's base fee (so the price must jump, not bump). */
    static boolean belowBaseFee(String nodeMessage) {
        return String.valueOf(nodeMessage).toLowerCase(Locale.ROOT).contains("base fee");
    }
}

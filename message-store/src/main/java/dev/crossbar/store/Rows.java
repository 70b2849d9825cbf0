package dev.crossbar.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.crossbar.core.json.Json;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Rows to records, and the string maps kept as JSON text (details, evidence). */
final class Rows {
    private static final TypeReference<TreeMap<String, String>> STRING_MAP = new TypeReference<>() {};

    private Rows() {}

    static MessageRecord message(Row r) throws SQLException {
        return new MessageRecord(
                r.str("id"),
                MessageKind.valueOf(r.str("kind")),
                MessageState.valueOf(r.str("state")),
                r.lng("source_chain_id"),
                r.lng("destination_chain_id"),
                r.big("nonce"),
                r.str("sender"),
                r.str("target"),
                r.big("value"),
                r.big("gas_limit"),
                r.str("data"),
                r.str("messenger_hash"),
                r.str("parent_id"),
                new MessageRecord.SourceRef(r.lng("source_block_number"), r.str("source_block_hash"),
                        r.str("source_tx_hash"), r.lng("source_log_index"), r.lng("source_block_timestamp")),
                r.intg("attempts"),
                r.instant("next_attempt_at"),
                r.str("last_error"),
                readMap(r.str("details")),
                r.instant("created_at"),
                r.instant("updated_at"),
                r.lng("version"));
    }

    static Transition transition(Row r) throws SQLException {
        String from = r.str("from_state");
        return new Transition(r.str("message_id"), from == null ? null : MessageState.valueOf(from),
                MessageState.valueOf(r.str("to_state")), r.str("cause"), r.instant("at"));
    }

    static OutputRecord output(Row r) throws SQLException {
        return new OutputRecord(r.lng("l2_chain_id"), r.big("output_index"), r.str("output_root"),
                r.big("l2_block_number"), r.lng("l1_timestamp"), r.lng("l1_chain_id"), r.lng("l1_block_number"),
                r.str("l1_block_hash"), r.str("l1_tx_hash"), OutputRecord.Status.valueOf(r.str("status")),
                r.str("verdict"), r.instant("checked_at"), r.instant("created_at"));
    }

    static GameRecord game(Row r) throws SQLException {
        return new GameRecord(r.lng("l1_chain_id"), r.lng("l2_chain_id"), r.lng("game_index"), r.str("address"),
                r.intg("game_type"), r.str("root_claim"), r.lng("l2_block_number"), r.lng("created_at"),
                r.lng("l1_block_number"), r.str("l1_block_hash"), r.str("l1_tx_hash"),
                GameRecord.Status.valueOf(r.str("status")), r.lngOrNull("resolved_at"), r.bool("blacklisted"),
                r.lngOrNull("max_clock_duration"), r.str("verdict"), r.str("verdict_detail"), r.str("verdict_by"),
                r.instant("verdict_at"), r.intg("claim_count"), r.instant("recorded_at"));
    }

    static GameClaim gameClaim(Row r) throws SQLException {
        return new GameClaim(r.str("game_address"), r.lng("claim_index"), r.lngOrNull("parent_index"), r.str("claim"),
                r.str("claimant"), r.big("position"), r.big("bond"), r.big("clock"));
    }

    static GameHistoryEntry gameHistory(Row r) throws SQLException {
        return new GameHistoryEntry(r.str("game_address"), GameHistoryEntry.What.valueOf(r.str("what")),
                r.str("cause"), r.instant("at"));
    }

    static TxRecord transaction(Row r) throws SQLException {
        return new TxRecord(r.lng("id"), r.str("message_id"), r.str("purpose"), r.lng("chain_id"), r.str("signer"),
                r.big("nonce"), r.str("tx_hash"), r.str("raw_tx"), r.big("max_fee_per_gas"),
                r.big("max_priority_fee_per_gas"), r.big("gas_limit"), TxRecord.Status.valueOf(r.str("status")),
                r.str("replaces_tx_hash"), r.str("error"), r.instant("created_at"), r.instant("updated_at"));
    }

    static Finding finding(Row r) throws SQLException {
        return new Finding(r.lng("id"), r.str("kind"), r.str("severity"), r.lng("chain_id"), r.str("dedupe_key"),
                r.str("summary"), readMap(r.str("evidence")), r.str("status"), r.intg("count"),
                r.instant("first_seen"), r.instant("last_seen"));
    }

    static BreakerState breaker(Row r) throws SQLException {
        return new BreakerState(r.lng("chain_id"), r.bool("tripped"), r.str("reason"), r.str("changed_by"),
                r.instant("changed_at"));
    }

    static OutboxRecord outbox(Row r) throws SQLException {
        return new OutboxRecord(r.lng("id"), r.str("topic"), r.str("key"), r.str("payload"), r.instant("created_at"));
    }

    static SetAsideLog setAside(Row r) throws SQLException {
        return new SetAsideLog(r.lng("chain_id"), r.lng("block_number"), r.str("block_hash"), r.str("tx_hash"),
                r.lng("log_index"), r.str("address"), r.str("reason"), r.str("raw_log"));
    }

    static BlockRef block(Row r) throws SQLException {
        return new BlockRef(r.lng("number"), r.str("hash"), r.str("parent_hash"), r.lng("timestamp"));
    }

    static Map<String, String> readMap(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return Collections.unmodifiableMap(Json.MAPPER.readValue(json, STRING_MAP));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored map is not a JSON object of strings: " + e.getOriginalMessage(), e);
        }
    }

    static String writeMap(Map<String, String> map) {
        return Json.write(new TreeMap<>(map == null ? Map.of() : map));
    }
}

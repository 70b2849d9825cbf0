package dev.crossbar.store;

import dev.crossbar.core.event.EventRef;
import dev.crossbar.core.event.ProtocolEvent.DisputeGameCreated;
import dev.crossbar.core.event.ProtocolEvent.GameMove;
import java.math.BigInteger;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The games, game_claims and game_history tables: OP dispute games created on L1, their claims, and what happened
 * to them. Addresses and hashes are kept lower-case.
 */
final class Games {
    /** A game's columns with its number of claims. */
    private static final String SELECT = "SELECT g.*, (SELECT COUNT(*) FROM game_claims c WHERE c.game_address ="
            + " g.address) AS claim_count FROM games g";

    /** The game that covers an L2 block, and the event that recorded it. */
    record Covering(long index, int gameType, long l2BlockNumber, long eventId) {
        String cause() {
            return coverCause(index, gameType, l2BlockNumber);
        }
    }

    private Games() {}

    static String coverCause(long index, int gameType, long l2BlockNumber) {
        return "game " + index + " (type " + gameType + ") at L2 block " + l2BlockNumber + " covers it";
    }

    /** Records a new game with its root claim (claim 0); false when a game at that address is already recorded. */
    static boolean insert(Tx tx, DisputeGameCreated e, long eventId, String where) throws SQLException {
        String address = Messages.normalize(e.game());
        EventRef ref = e.ref();
        if (tx.update("""
                INSERT INTO games (l1_chain_id, l2_chain_id, game_index, address, game_type, root_claim,
                    l2_block_number, created_at, l1_block_number, l1_block_hash, l1_tx_hash, status, blacklisted,
                    recorded_at, event_id, max_clock_duration)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE, ?, ?, ?)
                ON CONFLICT (address) DO NOTHING""", ref.chainId(), e.l2ChainId(), e.index(), address, e.gameType(),
                Messages.normalize(e.rootClaim()), e.l2BlockNumber(), e.createdAt(), ref.blockNumber(), ref.blockHash(),
                ref.txHash(), GameRecord.Status.IN_PROGRESS, tx.now(), eventId, e.maxClockDuration()) == 0) {
            return false;
        }
        // The root claim as the game's initialize() writes it: no parent, position 1, clock (0, createdAt).
        insertClaim(tx, address, 0, null, e.rootClaim(), Messages.normalize(e.creator()), GameClaim.ROOT_POSITION,
                e.initBond(), GameClaim.packClock(0, e.createdAt()), eventId);
        history(tx, address, GameHistoryEntry.What.CREATED, "created as game " + e.index() + " (type " + e.gameType()
                + ") of L2 " + e.l2ChainId() + " claiming " + Messages.normalize(e.rootClaim()) + " at L2 block "
                + e.l2BlockNumber() + " on " + where, eventId);
        return true;
    }

    /** Records a move's claim; false when the game is unknown or the claim already recorded. */
    static boolean move(Tx tx, GameMove e, long eventId, String where) throws SQLException {
        String address = Messages.normalize(e.game());
        if (find(tx, address).isEmpty()) {
            return false;
        }
        if (insertClaim(tx, address, e.claimIndex(), e.parentIndex(), e.claim(), e.claimant(), e.position(), e.bond(),
                e.clock(), eventId) == 0) {
            return false;
        }
        GameClaim c = new GameClaim(address, e.claimIndex(), e.parentIndex(), e.claim(), e.claimant(), e.position(),
                e.bond(), e.clock());
        history(tx, address, GameHistoryEntry.What.MOVE, "claim " + e.claimIndex() + " at position " + e.position()
                + " (depth " + c.depth() + ", " + (c.byDefender() ? "defending" : "challenging") + ") counters claim "
                + e.parentIndex() + ": " + Messages.normalize(e.claim()) + " by " + Messages.normalize(e.claimant())
                + ", bond " + e.bond() + " wei, on " + where, eventId);
        return true;
    }

    /** Records a game's resolution; false when the game is unknown or not in progress. */
    static boolean resolve(Tx tx, String game, GameRecord.Status status, long resolvedAt, long eventId, String where)
            throws SQLException {
        String address = Messages.normalize(game);
        if (tx.update("UPDATE games SET status = ?, resolved_at = ?, resolved_by_event = ? WHERE address = ? AND"
                + " status = ?", status, resolvedAt, eventId, address, GameRecord.Status.IN_PROGRESS) == 0) {
            return false;
        }
        history(tx, address, GameHistoryEntry.What.RESOLVED, "resolved " + status + " on " + where, eventId);
        return true;
    }

    /** Records a game's blacklisting; false when the game is unknown or already blacklisted. */
    static boolean blacklist(Tx tx, String game, long eventId, String where) throws SQLException {
        String address = Messages.normalize(game);
        if (tx.update("UPDATE games SET blacklisted = TRUE, blacklisted_by_event = ? WHERE address = ? AND"
                + " blacklisted = FALSE", eventId, address) == 0) {
            return false;
        }
        history(tx, address, GameHistoryEntry.What.BLACKLISTED, "blacklisted by the guardian on " + where, eventId);
        return true;
    }

    /** Records a verdict on a game's root claim; the same verdict again changes nothing. */
    static void verdict(Tx tx, String game, boolean valid, String detail, String by) throws SQLException {
        String address = Messages.normalize(game);
        String verdict = valid ? "VALID" : "INVALID";
        String old = tx.first(tx.locking("SELECT verdict FROM games WHERE address = ?"), r -> {
            String v = r.str("verdict");
            return v == null ? "" : v;
        }, address).orElseThrow(() -> new NoSuchElementException("no game " + address));
        if (old.equals(verdict)) {
            return;
        }
        tx.update("UPDATE games SET verdict = ?, verdict_detail = ?, verdict_by = ?, verdict_at = ? WHERE address = ?",
                verdict, detail, by, tx.now(), address);
        history(tx, address, GameHistoryEntry.What.VERDICT, verdict + " by " + by + ": " + detail
                + (old.isEmpty() ? "" : " (was " + old + ")"), null);
    }

    /**
     * The game recorded first (so the last one a reorg would remove) among those whose L2 block is at least
     * {@code l2BlockNumber}.
     */
    static Optional<Covering> covering(Tx tx, long l2ChainId, long l2BlockNumber) throws SQLException {
        return tx.first("SELECT game_index, game_type, l2_block_number, event_id FROM games WHERE l2_chain_id = ? AND"
                + " l2_block_number >= ? ORDER BY event_id LIMIT 1", r -> new Covering(r.lng("game_index"),
                r.intg("game_type"), r.lng("l2_block_number"), r.lng("event_id")), l2ChainId, l2BlockNumber);
    }

    static Optional<GameRecord> find(Tx tx, String address) throws SQLException {
        return tx.first(SELECT + " WHERE g.address = ?", Rows::game, Messages.normalize(address));
    }

    static Optional<GameRecord> find(Tx tx, long l2ChainId, long index) throws SQLException {
        return tx.first(SELECT + " WHERE g.l2_chain_id = ? AND g.game_index = ? ORDER BY g.id DESC LIMIT 1", Rows::game,
                l2ChainId, index);
    }

    static List<GameRecord> list(Tx tx, GameQuery q) throws SQLException {
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (q.l2ChainId() != null) {
            where.add("g.l2_chain_id = ?");
            params.add(q.l2ChainId());
        }
        if (!q.statuses().isEmpty()) {
            where.add("g.status IN (" + Tx.placeholders(q.statuses()) + ")");
            params.addAll(q.statuses());
        }
        if (q.gameType() != null) {
            where.add("g.game_type = ?");
            params.add(q.gameType());
        }
        params.add(q.limit());
        return tx.list(SELECT + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY g.game_index DESC, g.id DESC LIMIT ?", Rows::game, params.toArray());
    }

    static List<GameClaim> claims(Tx tx, String address) throws SQLException {
        return tx.list("SELECT * FROM game_claims WHERE game_address = ? ORDER BY claim_index", Rows::gameClaim,
                Messages.normalize(address));
    }

    static List<GameHistoryEntry> history(Tx tx, String address) throws SQLException {
        return tx.list("SELECT * FROM game_history WHERE game_address = ? ORDER BY id", Rows::gameHistory,
                Messages.normalize(address));
    }

    static java.util.Map<String, Long> unresolved(Tx tx, long l1ChainId) throws SQLException {
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (String[] g : tx.list("SELECT address, l2_chain_id FROM games WHERE l1_chain_id = ? AND status = ?"
                + " ORDER BY id", r -> new String[] {r.str("address"), Long.toString(r.lng("l2_chain_id"))}, l1ChainId,
                GameRecord.Status.IN_PROGRESS)) {
            out.put(g[0], Long.parseLong(g[1]));
        }
        return out;
    }

    /**
     * Undoes what removed events did to games ({@code removed}: a subquery of their ids, with its parameters): games
     * they created are deleted with their claims and history; claims they added are deleted; resolutions and
     * blacklistings they made are undone; each history line of theirs is replaced by a ROLLED_BACK line with
     * {@code cause}. Returns the number of games deleted.
     */
    static int undo(Tx tx, String removed, long chainId, long aboveBlock, String cause) throws SQLException {
        String created = "SELECT address FROM games WHERE event_id IN (" + removed + ")";
        tx.update("DELETE FROM game_claims WHERE game_address IN (" + created + ")", chainId, aboveBlock);
        tx.update("DELETE FROM game_history WHERE game_address IN (" + created + ")", chainId, aboveBlock);
        int deleted = tx.update("DELETE FROM games WHERE event_id IN (" + removed + ")", chainId, aboveBlock);
        for (Object[] line : tx.list("SELECT game_address, cause FROM game_history WHERE event_id IN (" + removed
                + ") ORDER BY id DESC", r -> new Object[] {r.str("game_address"), r.str("cause")}, chainId,
                aboveBlock)) {
            history(tx, (String) line[0], GameHistoryEntry.What.ROLLED_BACK, cause + " (undoing: " + line[1] + ")",
                    null);
        }
        tx.update("DELETE FROM game_history WHERE event_id IN (" + removed + ")", chainId, aboveBlock);
        tx.update("DELETE FROM game_claims WHERE event_id IN (" + removed + ")", chainId, aboveBlock);
        tx.update("UPDATE games SET status = ?, resolved_at = NULL, resolved_by_event = NULL WHERE resolved_by_event"
                + " IN (" + removed + ")", GameRecord.Status.IN_PROGRESS, chainId, aboveBlock);
        tx.update("UPDATE games SET blacklisted = FALSE, blacklisted_by_event = NULL WHERE blacklisted_by_event IN ("
                + removed + ")", chainId, aboveBlock);
        return deleted;
    }

    private static int insertClaim(Tx tx, String address, long index, Long parentIndex, String claim, String claimant,
            BigInteger position, BigInteger bond, BigInteger clock, long eventId)
            throws SQLException {
        return tx.update("""
                INSERT INTO game_claims (game_address, claim_index, parent_index, claim, claimant, position, bond,
                    clock, event_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (game_address, claim_index) DO NOTHING""", address, index, parentIndex,
                Messages.normalize(claim), Messages.normalize(claimant), position, bond, clock, eventId);
    }

    private static void history(Tx tx, String address, GameHistoryEntry.What what, String cause, Long eventId)
            throws SQLException {
        tx.update("INSERT INTO game_history (game_address, what, cause, event_id, at) VALUES (?, ?, ?, ?, ?)", address,
                what, cause, eventId, tx.now());
    }
}

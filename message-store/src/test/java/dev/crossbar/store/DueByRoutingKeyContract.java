package dev.crossbar.store;

import static dev.crossbar.store.MessageStoreContract.L2A;
import static dev.crossbar.store.MessageStoreContract.L2B;
import static dev.crossbar.store.MessageStoreContract.TOPOLOGY;
import static dev.crossbar.store.TestEvents.crossRollup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossbar.core.event.ProtocolEvent;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.model.RoutingKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a relayer worker gets its own routing key's due messages from the store (each message is due to exactly one
 * key), with any count of slots, and how the migration gives the messages it finds their routing hash. A subclass supplies the backend.
 */
abstract class DueByRoutingKeyContract {
    private static final Set<MessageState> READY = Set.of(MessageState.READY);

    private StoreFixture fixture;
    private final List<MessageStore> opened = new ArrayList<>();
    private TestChain l2a;
    private TestChain l2b;

    abstract StoreFixture newFixture();

    @BeforeEach
    void newDatabase() {
        fixture = newFixture();
        l2a = new TestChain(L2A);
        l2b = new TestChain(L2B);
    }

    @AfterEach
    void closeStores() {
        opened.forEach(MessageStore::close);
        fixture.close();
    }

    @Test
    void everyMessageIsDueToExactlyOneSlotOfItsDestination() {
        MessageStore store = open(4);
        List<String> toL2B = send(store, l2a, L2B, "to-b", 24);
        List<String> toL2A = send(store, l2b, L2A, "to-a", 3);

        Map<Integer, List<String>> bySlot = dueBySlot(store, L2B, 4);

        assertThat(bySlot.values().stream().flatMap(List::stream)).containsExactlyInAnyOrderElementsOf(toL2B);
        bySlot.forEach((slot, ids) -> assertThat(ids).as("slot %s", slot)
                .allSatisfy(id -> assertThat(RoutingKey.slot(id, 4)).isEqualTo(slot)));
        assertThat(bySlot.values().stream().filter(ids -> !ids.isEmpty())).as("slots with messages")
                .hasSizeGreaterThan(1);
        assertThat(dueBySlot(store, L2A, 4).values().stream().flatMap(List::stream))
                .containsExactlyInAnyOrderElementsOf(toL2A);
    }

    @Test
    void aChangeOfSlotsLosesNoMessageAndGivesEachToOneKeyOfTheNewCount() {
        MessageStore store = open(4);
        List<String> toL2B = send(store, l2a, L2B, "to-b", 24);

        for (int slots : List.of(3, 4, 7)) {
            Map<Integer, List<String>> bySlot = dueBySlot(store, L2B, slots);
            assertThat(bySlot.values().stream().flatMap(List::stream)).as("%s slots", slots)
                    .containsExactlyInAnyOrderElementsOf(toL2B);
            bySlot.forEach((slot, ids) -> assertThat(ids).allSatisfy(
                    id -> assertThat(RoutingKey.slot(id, slots)).isEqualTo(slot)));
        }
    }

    @Test
    void aKeyOutsideTheSlotsIsRefusedNamingIt() {
        MessageStore store = open(4);

        assertThatThrownBy(() -> store.due(L2B, 4, 4, READY, Instant.now(), 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("slot 4 is not one of 0..3");
        assertThatThrownBy(() -> store.due(L2B, -1, 4, READY, Instant.now(), 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("slot -1 is not one of 0..3");
        assertThatThrownBy(() -> store.due(L2B, 0, 0, READY, Instant.now(), 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("signer slots must be at least 1, was 0");
    }

    /**
     * A database at the schema before routing (version 1) with messages in it: the migration gives each the
     * hash Java gives its id (negative ones too), and each is due to the key Java routes it to.
     */
    @Test
    void theMigrationRoutesTheMessagesItFinds() throws SQLException {
        Migrations.migrate(fixture.dataSource(), fixture.dialect(), fixture.schema(), "the test database", "1");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add(TestChain.hash("before-routing-" + i));
        }
        assertThat(ids).as("ids with a negative hash").anyMatch(id -> RoutingKey.hash(id) < 0);
        insertAtVersion1(ids);

        MessageStore store = open(4);

        assertThat(storedHashes()).isEqualTo(ids.stream().collect(java.util.stream.Collectors.toMap(id -> id,
                RoutingKey::hash)));
        Map<Integer, List<String>> bySlot = dueBySlot(store, L2B, 4);
        assertThat(bySlot.values().stream().flatMap(List::stream)).containsExactlyInAnyOrderElementsOf(ids);
        bySlot.forEach((slot, in) -> assertThat(in).allSatisfy(
                id -> assertThat(RoutingKey.slot(id, 4)).isEqualTo(slot)));
    }

    private MessageStore open(int slots) {
        MessageStore s = fixture.open(new ChainTopology(TOPOLOGY.settlementOf(), slots));
        opened.add(s);
        return s;
    }

    /** {@code n} cross-rollup messages from {@code from} to {@code destination}, in one new block; now READY. */
    private static List<String> send(MessageStore store, TestChain from, long destination, String label, int n) {
        BlockRef b = from.mine();
        List<String> ids = new ArrayList<>();
        List<ProtocolEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = TestChain.hash(label + "-" + i);
            ids.add(id);
            events.add(crossRollup(from.at(b, i, i), destination, i, id));
        }
        store.commitBatch(from.batch(b, events.toArray(ProtocolEvent[]::new)));
        return ids;
    }

    private static Map<Integer, List<String>> dueBySlot(MessageStore store, long destination, int slots) {
        Map<Integer, List<String>> out = new HashMap<>();
        for (int slot = 0; slot < slots; slot++) {
            out.put(slot, store.due(destination, slot, slots, READY, Instant.now(), 1000).stream()
                    .map(MessageRecord::id).toList());
        }
        return out;
    }

    private void insertAtVersion1(List<String> ids) throws SQLException {
        String hash = TestChain.hash("block");
        try (Connection c = fixture.dataSource().getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO events (id, chain_id, block_number, block_hash,"
                    + " block_timestamp, tx_hash, log_index, address, type, payload, recorded_at)"
                    + " VALUES (1, ?, 1, ?, 1, ?, 0, ?, 'CrossRollupSent', '{}', 0)")) {
                ps.setLong(1, L2A);
                ps.setString(2, hash);
                ps.setString(3, hash);
                ps.setString(4, TestChain.address("messenger"));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO messages (id, kind, state, source_chain_id,"
                    + " destination_chain_id, nonce, sender, target, value, gas_limit, data, source_block_number,"
                    + " source_block_hash, source_tx_hash, source_log_index, source_block_timestamp, created_by_event,"
                    + " created_at, updated_at) VALUES (?, 'CROSS_ROLLUP', 'READY', ?, ?, 0, ?, ?, 0, 0, '0x', 1, ?,"
                    + " ?, ?, 1, 1, 0, 0)")) {
                for (int i = 0; i < ids.size(); i++) {
                    ps.setString(1, ids.get(i));
                    ps.setLong(2, L2A);
                    ps.setLong(3, L2B);
                    ps.setString(4, TestEvents.SENDER);
                    ps.setString(5, TestEvents.TARGET);
                    ps.setString(6, hash);
                    ps.setString(7, hash);
                    ps.setLong(8, i);
                    ps.executeUpdate();
                }
            }
        }
    }

    private Map<String, Integer> storedHashes() throws SQLException {
        Map<String, Integer> out = new HashMap<>();
        try (Connection c = fixture.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT id, routing_hash FROM messages");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getInt(2));
            }
        }
        return out;
    }
}

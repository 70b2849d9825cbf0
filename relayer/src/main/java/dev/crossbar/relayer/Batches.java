package dev.crossbar.relayer;

import dev.crossbar.contracts.bindings.Multicall3;
import dev.crossbar.core.chain.Chains;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.core.model.MessageDetails;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.model.TxPurpose;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.MessageStore;
import dev.crossbar.txmanager.TxManager;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.utils.Numeric;

/**
 * Several READY L2-to-L2 relays of one routing key in one Multicall3 transaction under the gas cap: members that
 * would fail are handed back to be relayed on their own (their own simulation classifies why), a batch over the cap
 * is split, and the round's batches go out together at consecutive nonces.
 */
final class Batches {
    private static final Logger log = LoggerFactory.getLogger(Batches.class);

    private final long destination;
    private final TxManager signer;
    private final MessageStore store;
    private final Deliveries deliveries;
    private final RelayerSettings settings;
    private final RelayerMetrics metrics;
    private final Chains chains;
    private final Steps steps;

    Batches(long destination, TxManager signer, MessageStore store, Chains chains, Deliveries deliveries,
            RelayerSettings settings, RelayerMetrics metrics, Steps steps) {
        this.destination = destination;
        this.signer = signer;
        this.store = store;
        this.chains = chains;
        this.deliveries = deliveries;
        this.settings = settings;
        this.metrics = metrics;
        this.steps = steps;
    }

    /** One batch transaction and the messages it relays. */
    private record Batch(List<MessageRecord> members, TxManager.Intent intent) {}

    /**
     * Relays {@code pending} (not relayed on chain, their source blocks in place) in batches.
     *
     * @return the messages to relay on their own: alone in their chunk, or failing in a batch's simulation
     * @throws TxManager.Reconciled when the key was reconciled with the chain before the batches went out
     */
    List<MessageRecord> relayInBatches(List<MessageRecord> pending, TxManager.Recheck recheck) {
        EthApi dest = chains.client(destination);
        String messenger = chains.l2Contracts(destination).l2ToL2Messenger();
        String multicall = settings.batching().multicall().get(destination);
        List<Batch> batches = new ArrayList<>();
        List<MessageRecord> alone = new ArrayList<>();
        List<List<MessageRecord>> chunks = new ArrayList<>();
        for (int i = 0; i < pending.size(); i += settings.batching().maxMessages()) {
            chunks.add(new ArrayList<>(pending.subList(i, Math.min(pending.size(), i + settings.batching().maxMessages()))));
        }
        // Every chunk simulated in one JSON-RPC batch, and the chunks that go through whole estimated in another;
        // a chunk with failing members, or over the gas cap, is worked out on its own (prepare).
        List<String> data = chunks.stream().map(c -> batchCall(messenger, multicall, c)).toList();
        List<EthApi.Each<String>> simulated;
        try {
            List<EthApi.TxCall> calls = new ArrayList<>();
            for (int i = 0; i < chunks.size(); i++) {
                calls.add(new EthApi.TxCall(multicall, data.get(i), null, deliveries.accessList(chunks.get(i))));
            }
            simulated = dest.callEach(signer.address(), calls);
        } catch (RuntimeException e) {
            failed(pending, e);
            return alone;
        }
        List<Integer> whole = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            List<MessageRecord> chunk = chunks.get(i);
            try {
                if (chunk.size() > 1 && !simulated.get(i).failed()
                        && !ProtocolViews.aggregate3Results(simulated.get(i).value()).contains(false)) {
                    whole.add(i);
                } else {
                    prepare(dest, messenger, multicall, chunk, batches, alone);
                }
            } catch (RuntimeException e) {
                failed(chunk, e);
            }
        }
        if (!whole.isEmpty()) {
            List<EthApi.Each<BigInteger>> estimates;
            try {
                estimates = dest.estimateGasEach(signer.address(), whole.stream()
                        .map(i -> new EthApi.TxCall(multicall, data.get(i), BigInteger.ZERO,
                                deliveries.accessList(chunks.get(i)))).toList());
            } catch (RuntimeException e) {
                failed(whole.stream().flatMap(k -> chunks.get(k).stream()).toList(), e);
                estimates = null;
            }
            for (int k = 0; estimates != null && k < whole.size(); k++) {
                List<MessageRecord> chunk = chunks.get(whole.get(k));
                EthApi.Each<BigInteger> e = estimates.get(k);
                BigInteger gas = e.failed() ? null : e.value().multiply(BigInteger.valueOf(12)).divide(BigInteger.TEN);
                try {
                    if (gas == null || gas.compareTo(BigInteger.valueOf(settings.batching().gasCap())) > 0) {
                        prepare(dest, messenger, multicall, chunk, batches, alone); // split, or find out why
                    } else {
                        batches.add(new Batch(chunk, new TxManager.Intent(TxPurpose.RELAY_BATCH, chunk.getFirst().id(),
                                multicall, data.get(whole.get(k)), BigInteger.ZERO, gas, deliveries.accessList(chunk))));
                    }
                } catch (RuntimeException ex) {
                    failed(chunk, ex);
                }
            }
        }
        if (!batches.isEmpty()) {
            send(batches, recheck);
        }
        return alone;
    }

    /**
     * Sends the round's batches as one group: each batch's members take its transaction's hash and move to RELAYING in
     * the store transaction that records it; members of a batch that could not be sent after all move back and wait
     * or are retried.
     */
    private void send(List<Batch> batches, TxManager.Recheck recheck) {
        List<TxManager.Submitted> results;
        try {
            TxManager.Group group = signer.prepare(batches.stream().map(Batch::intent).toList(), recheck);
            List<String> hashes = group.hashes();
            store.inTransaction("recording " + batches.size() + " relay batches", () -> {
                for (int i = 0; i < batches.size(); i++) {
                    List<MessageRecord> members = batches.get(i).members();
                    for (MessageRecord m : members) {
                        store.putDetails(m.id(), Map.of(MessageDetails.BATCH_TX, hashes.get(i)));
                        store.transitionIf(m.id(), MessageState.READY, MessageState.RELAYING, "RELAY_BATCH sent in "
                                + hashes.get(i) + " with " + members.size() + " relays");
                    }
                }
                group.record();
            });
            results = group.broadcast();
        } catch (TxManager.FeesTooHigh | TxManager.CannotPay e) {
            batches.forEach(b -> b.members().forEach(m -> steps.waitForSigner(m, e)));
            return;
        } catch (RuntimeException e) {
            if (e instanceof dev.crossbar.store.FencedOff || e instanceof TxManager.Reconciled) {
                throw e;
            }
            failed(batches.stream().flatMap(b -> b.members().stream()).map(m -> store.message(m.id()).orElse(m))
                    .toList(), e);
            return;
        }
        steps.signerSent();
        for (int i = 0; i < batches.size(); i++) {
            TxManager.Submitted r = results.get(i);
            Batch b = batches.get(i);
            if (r.sent()) {
                metrics.batch(b.members().size());
                log.info("relay batch sent size={} tx={} nonce={}", b.members().size(), r.tx().txHash(), r.tx().nonce());
                continue;
            }
            b.members().forEach(m -> steps.notSent(m, MessageState.RELAYING, TxPurpose.RELAY_BATCH, r.error()));
        }
    }

    /** A batch step failed for {@code messages}: each is retried under the backoff, with the reason. */
    private void failed(List<MessageRecord> messages, RuntimeException e) {
        log.warn("batch relay failed messages={} error={}", messages.size(), e.toString());
        messages.forEach(m -> steps.apply(m, new Deliveries.Step.Retry("batch: " + e.getMessage())));
    }

    /**
     * The Multicall3 {@code aggregate3} call relaying {@code members}, each allowed to fail on its own; its
     * transaction declares every member in its access list ({@link Deliveries#accessList}).
     */
    private String batchCall(String messenger, String multicall, List<MessageRecord> members) {
        List<Multicall3.Call3> calls = new ArrayList<>();
        for (MessageRecord m : members) {
            calls.add(new Multicall3.Call3(messenger, true, Numeric.hexStringToByteArray(deliveries.relayCall(m,
                    messenger))));
        }
        return ProtocolViews.multicall(multicall).aggregate3(calls, BigInteger.ZERO).encodeFunctionCall();
    }

    /**
     * Simulates {@code members} as one batch: adds it to {@code out} when every member goes through and it fits the
     * gas cap (split in halves when it does not); members that fail go to {@code alone}, and the rest is tried again.
     */
    private void prepare(EthApi dest, String messenger, String multicall, List<MessageRecord> members,
            List<Batch> out, List<MessageRecord> alone) {
        if (members.size() == 1) {
            alone.add(members.getFirst());
            return;
        }
        String data = batchCall(messenger, multicall, members);
        List<org.web3j.crypto.AccessListObject> declared = deliveries.accessList(members);
        List<Boolean> ok = ProtocolViews.aggregate3Results(dest.call(signer.address(), new EthApi.TxCall(multicall,
                data, null, declared)));
        List<MessageRecord> good = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            if (ok.get(i)) {
                good.add(members.get(i));
            } else {
                alone.add(members.get(i)); // its own simulation classifies why it fails
            }
        }
        if (good.size() < 2) {
            alone.addAll(good);
            return;
        }
        if (good.size() != members.size()) {
            prepare(dest, messenger, multicall, good, out, alone);
            return;
        }
        BigInteger gas = dest.estimateGas(signer.address(), new EthApi.TxCall(multicall, data, BigInteger.ZERO,
                declared)).multiply(BigInteger.valueOf(12)).divide(BigInteger.TEN);
        if (gas.compareTo(BigInteger.valueOf(settings.batching().gasCap())) > 0) {
            int half = members.size() / 2;
            prepare(dest, messenger, multicall, new ArrayList<>(members.subList(0, half)), out, alone);
            prepare(dest, messenger, multicall, new ArrayList<>(members.subList(half, members.size())), out, alone);
            return;
        }
        out.add(new Batch(members, new TxManager.Intent(TxPurpose.RELAY_BATCH, members.getFirst().id(), multicall,
                data, BigInteger.ZERO, gas, declared)));
    }
}

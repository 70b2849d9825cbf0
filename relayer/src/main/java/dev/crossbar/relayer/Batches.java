package dev.crossbar.relayer;

import dev.crossbar.core.chain.Chains;
import dev.crossbar.contracts.bindings.Multicall3;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.core.model.MessageDetails;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.model.TxPurpose;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.TxRecord;
import dev.crossbar.txmanager.TxManager;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.utils.Numeric;

/**
 * Several READY L2-to-L2 relays of one routing key in one Multicall3 transaction under the gas cap: members that
 * would fail are simulated and sent on their own, a batch over the cap is split.
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

    void relayInBatches(List<MessageRecord> ready) {
        EthApi dest = chains.client(destination);
        String messenger = chains.l2Contracts(destination).l2ToL2Messenger();
        String multicall = settings.batching().multicall().get(destination);
        List<MessageRecord> pending = new ArrayList<>();
        for (MessageRecord m : ready) {
            if (ProtocolViews.successfulCrossRollup(dest, messenger, Numeric.hexStringToByteArray(m.id()))) {
                steps.move(m, MessageState.RELAYED, "already relayed on chain");
                continue;
            }
            String gone = deliveries.sourceGone(m);
            if (gone != null) {
                steps.apply(m, new Deliveries.Step.Wait(Duration.ofSeconds(5), gone));
            } else {
                pending.add(m);
            }
        }
        for (int i = 0; i < pending.size(); i += settings.batching().maxMessages()) {
            List<MessageRecord> chunk = pending.subList(i, Math.min(pending.size(), i + settings.batching().maxMessages()));
            try {
                sendBatch(dest, messenger, multicall, new ArrayList<>(chunk));
            } catch (TxManager.FeesTooHigh | TxManager.CannotPay e) {
                chunk.forEach(m -> steps.waitForSigner(m, e));
            } catch (RuntimeException e) {
                log.warn("batch relay failed size={} error={}", chunk.size(), e.toString());
                chunk.forEach(m -> steps.apply(m, new Deliveries.Step.Retry("batch: " + e.getMessage())));
            }
        }
    }

    private void sendBatch(EthApi dest, String messenger, String multicall, List<MessageRecord> members) {
        if (members.size() == 1) {
            steps.apply(members.getFirst(), deliveries.relayCrossRollup(members.getFirst(), signer));
            return;
        }
        List<Multicall3.Call3> calls = new ArrayList<>();
        for (MessageRecord m : members) {
            calls.add(new Multicall3.Call3(messenger, true, Numeric.hexStringToByteArray(deliveries.relayCall(m,
                    messenger))));
        }
        String data = ProtocolViews.multicall(multicall).aggregate3(calls, BigInteger.ZERO).encodeFunctionCall();
        List<Boolean> ok = ProtocolViews.aggregate3Results(dest.call(signer.address(), multicall, data, null));
        List<MessageRecord> good = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            if (ok.get(i)) {
                good.add(members.get(i));
            } else {
                // Relay it alone: its own simulation classifies why it fails.
                steps.apply(members.get(i), deliveries.relayCrossRollup(members.get(i), signer));
            }
        }
        if (good.size() < 2) {
            good.forEach(m -> steps.apply(m, deliveries.relayCrossRollup(m, signer)));
            return;
        }
        if (good.size() != members.size()) {
            sendBatch(dest, messenger, multicall, good);
            return;
        }
        BigInteger gas = dest.estimateGas(signer.address(), multicall, data, BigInteger.ZERO)
                .multiply(BigInteger.valueOf(12)).divide(BigInteger.TEN);
        if (gas.compareTo(BigInteger.valueOf(settings.batching().gasCap())) > 0) {
            int half = members.size() / 2;
            sendBatch(dest, messenger, multicall, new ArrayList<>(members.subList(0, half)));
            sendBatch(dest, messenger, multicall, new ArrayList<>(members.subList(half, members.size())));
            return;
        }
        TxRecord tx = signer.submit(new TxManager.Intent(TxPurpose.RELAY_BATCH, members.getFirst().id(), multicall, data,
                BigInteger.ZERO, gas));
        steps.signerSent();
        for (MessageRecord m : members) {
            store.putDetails(m.id(), Map.of(MessageDetails.BATCH_TX, tx.txHash()));
            store.transitionIf(m.id(), MessageState.READY, MessageState.RELAYING, "RELAY_BATCH sent in " + tx.txHash()
                    + " with " + members.size() + " relays");
        }
        metrics.batch(members.size());
        log.info("relay batch sent size={} tx={} nonce={}", members.size(), tx.txHash(), tx.nonce());
    }
}

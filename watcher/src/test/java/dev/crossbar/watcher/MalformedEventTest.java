package dev.crossbar.watcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.contracts.bindings.DepositExecutor;
import dev.crossbar.contracts.bindings.LogEmitter;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.store.SetAsideLog;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.abi.EventEncoder;
import org.web3j.utils.Numeric;

/**
 * A log that claims to be a protocol event but is malformed, or an unknown event from a watched contract, is set
 * aside with its reason and counted, and the events around it are recorded.
 */
class MalformedEventTest extends WatcherTestBase {

    @Test
    void malformedAndUnknownEventsAreSetAsideWhileTheRestFlows() throws Exception {
        DevChain l2a = devnet.l2(0);
        LogEmitter emitter = LogEmitter.deploy(l2a.web3j(), l2a.txManager(DevKeys.DEPLOYER.credentials()), DevChain.GAS)
                .send();
        // Watch the emitter as if it were l2a's deposit executor.
        ChainConfig base = chain("l2a");
        ChainConfig c = withL2Contracts(base, new ChainConfig.L2Contracts(base.l2Contracts().messagePasser(),
                base.l2Contracts().l2Messenger(), base.l2Contracts().l2ToL2Messenger(), emitter.getContractAddress()));
        DemoTraffic traffic = new DemoTraffic(devnet, DevKeys.USER.credentials());
        traffic.crossRollupBatch(0, 1, 2, "before");

        byte[] depositExecuted = Numeric.hexStringToByteArray(EventEncoder.encode(DepositExecutor.DEPOSITEXECUTED_EVENT));
        byte[] unknown = new byte[32];
        unknown[0] = (byte) 0xab;
        // DepositExecuted's signature, but one topic instead of four and data that is not (address, bool).
        emitter.emitLog(List.of(depositExecuted), new byte[] {1, 2, 3}).send();
        emitter.emitLog(List.of(unknown), new byte[0]).send();
        traffic.crossRollupBatch(0, 1, 2, "after");

        ChainWatcher w = startWatcher(c);
        awaitCaughtUp(w, "l2a");

        List<SetAsideLog> aside = store.setAside(901, 10);
        assertThat(aside).hasSize(2);
        assertThat(aside).extracting(SetAsideLog::reason)
                .anySatisfy(r -> assertThat(r).startsWith("unknown event 0xab").contains("DEPOSIT_EXECUTOR"))
                .anySatisfy(r -> assertThat(r).startsWith("cannot decode DEPOSIT_EXECUTOR event"));
        assertThat(aside).allSatisfy(s -> assertThat(s.rawLog()).contains(s.txHash()));
        assertThat(meters.get("crossbar.watcher.set.aside").tag("chain", "l2a").counter().count()).isEqualTo(2.0);
        assertThat(store.eventCount(901)).as("the good events around them are recorded")
                .isEqualTo(canonicalLogs(chain("l2a")).size());
    }
}

package dev.crossbar.devnet.operator;

import dev.crossbar.devnet.DevChain;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/** How the operator follows a contract's logs: the next page from a block to the chain's head. */
final class LogPages {
    private LogPages() {}

    /**
     * The logs, in block and log order, and the next block to read from.
     *
     * @param next the first block not read yet
     */
    record Page(List<Log> logs, long next) {}

    /**
     * The logs of {@code address} with any of {@code topic0s} from block {@code from} to the head; an empty page
     * (and the same {@code from}) while the head is below it.
     */
    static Page read(DevChain chain, String address, long from, String... topic0s) throws Exception {
        long head = chain.blockNumber().longValueExact();
        if (head < from) {
            return new Page(List.of(), from);
        }
        EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
                DefaultBlockParameter.valueOf(BigInteger.valueOf(head)), address);
        filter.addOptionalTopics(topic0s);
        EthLog result = chain.web3j().ethGetLogs(filter).send();
        if (result.hasError()) {
            throw new IllegalStateException("eth_getLogs on " + chain.name() + " failed: "
                    + result.getError().getMessage());
        }
        List<Log> logs = new ArrayList<>();
        for (EthLog.LogResult<?> r : result.getLogs()) {
            logs.add((Log) r.get());
        }
        return new Page(logs, head + 1);
    }
}

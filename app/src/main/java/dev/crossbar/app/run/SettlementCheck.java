package dev.crossbar.app.run;

import dev.crossbar.app.config.ConfigProblem;
import dev.crossbar.contracts.op.OptimismPortal2;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.FaultProofViews;
import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.ChainRole;
import dev.crossbar.core.config.KnownVersions;
import dev.crossbar.core.config.Settlement;
import dev.crossbar.core.rpc.RpcException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.utils.Numeric;

/**
 * The configured settlements checked against their L1 at start, before any service starts: there is code at every
 * contract address; for a dispute-game settlement the portal is an {@code OptimismPortal2} of a version the relayer
 * knows ({@link KnownVersions}), whose DisputeGameFactory and SuperchainConfig are the configured ones, and the factory
 * has an implementation for the portal's respected game type. Each problem names the key
 * ({@code chains[0].settlements[1].portal}) and the reason.
 *
 * <p>An L1 that does not answer is not checked: that is no configuration problem, and the services start and wait for
 * it as they do for any chain that is down (readiness reports it).
 */
final class SettlementCheck {
    private static final Logger log = LoggerFactory.getLogger(SettlementCheck.class);
    private static final String LATEST = ProtocolViews.LATEST;

    private final List<ConfigProblem> problems = new ArrayList<>();
    private final String chainName;
    private final EthApi l1;
    private final String path;

    private SettlementCheck(String chainName, EthApi l1, String path) {
        this.chainName = chainName;
        this.l1 = l1;
        this.path = path;
    }

    /**
     * The problems of every L1's settlements, in the order of the configuration.
     *
     * @param chains the configured chains, in the order of the file
     * @param clients the client of a chain, by chain id
     */
    static List<ConfigProblem> problems(List<ChainConfig> chains, LongFunction<EthApi> clients) {
        List<ConfigProblem> out = new ArrayList<>();
        for (int i = 0; i < chains.size(); i++) {
            ChainConfig c = chains.get(i);
            if (c.role() != ChainRole.L1 || c.settlements().isEmpty()) {
                continue;
            }
            EthApi l1 = clients.apply(c.chainId());
            int found = out.size();
            try {
                for (int j = 0; j < c.settlements().size(); j++) {
                    SettlementCheck check = new SettlementCheck(c.name(), l1, "chains[" + i + "].settlements[" + j
                            + "].");
                    check.check(c.settlements().get(j));
                    out.addAll(check.problems);
                }
                log.info("settlement contracts checked chain={} settlements={} problems={}", c.name(),
                        c.settlements().size(), out.size() - found);
            } catch (RpcException.Transport e) {
                log.warn("settlement contracts not checked: the chain does not answer; the services start and wait"
                        + " for it chain={} error=\"{}\"", c.name(), e.getMessage());
            }
        }
        return out;
    }

    private void check(Settlement s) {
        Map<String, String> contracts = new LinkedHashMap<>();
        contracts.put("portal", s.portal());
        contracts.put("l1Messenger", s.l1Messenger());
        if (s.disputeGames()) {
            contracts.put("disputeGameFactory", s.disputeGameFactory());
            contracts.put("anchorStateRegistry", s.anchorStateRegistry());
            contracts.put("superchainConfig", s.superchainConfig());
        } else {
            contracts.put("outputOracle", s.outputOracle());
        }
        Set<String> withoutCode = new HashSet<>();
        contracts.forEach((key, address) -> {
            if (l1.code(address, LATEST).length() <= 2) {
                withoutCode.add(key);
                problem(key, "no contract at " + address + " on chain " + chainName);
            }
        });
        if (s.disputeGames() && !withoutCode.contains("portal")) {
            checkPortal2(s, !withoutCode.contains("disputeGameFactory"));
        }
    }

    private void checkPortal2(Settlement s, boolean factoryHasCode) {
        OptimismPortal2 portal = FaultProofViews.portal2(l1, s.portal(), LATEST);
        String version;
        BigInteger gameType;
        String factory;
        String superchainConfig;
        try {
            version = call("version()", portal.version());
            if (!KnownVersions.OPTIMISM_PORTAL2.contains(version)) {
                problem("portal", "OptimismPortal2 version " + version + " is not one the relayer knows ("
                        + String.join(", ", KnownVersions.OPTIMISM_PORTAL2.stream().sorted().toList()) + ")");
                return;
            }
            gameType = call("respectedGameType()", portal.respectedGameType());
            factory = call("disputeGameFactory()", portal.disputeGameFactory()).toLowerCase(Locale.ROOT);
            superchainConfig = call("superchainConfig()", portal.superchainConfig()).toLowerCase(Locale.ROOT);
        } catch (CallFailed e) {
            problem("portal", "the contract at " + s.portal() + " is not an OptimismPortal2: " + e.getMessage());
            return;
        }
        if (!superchainConfig.equalsIgnoreCase(s.superchainConfig())) {
            problem("superchainConfig", "the portal's SuperchainConfig is " + superchainConfig + ", not "
                    + s.superchainConfig());
        }
        if (!factory.equalsIgnoreCase(s.disputeGameFactory())) {
            problem("disputeGameFactory", "the portal's DisputeGameFactory is " + factory + ", not "
                    + s.disputeGameFactory());
            return;
        }
        if (!factoryHasCode) {
            return;
        }
        try {
            String impl = call("gameImpls(" + gameType + ")", FaultProofViews.factory(l1,
                    s.disputeGameFactory(), LATEST).gameImpls(gameType));
            if (Numeric.toBigInt(impl).signum() == 0) {
                problem("disputeGameFactory", "DisputeGameFactory has no implementation for the respected game type "
                        + gameType);
            }
        } catch (CallFailed e) {
            problem("disputeGameFactory", "the contract at " + s.disputeGameFactory() + " is not a "
                    + "DisputeGameFactory: " + e.getMessage());
        }
    }

    /** A view call's answer; a call that fails other than by the chain not answering is {@link CallFailed}. */
    private static <T> T call(String function, RemoteFunctionCall<T> call) {
        try {
            return ProtocolViews.view(call);
        } catch (RpcException.Transport e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CallFailed(function, e);
        }
    }

    private void problem(String key, String message) {
        problems.add(new ConfigProblem(path + key, message, ""));
    }

    /** A view call that reverted or answered something that does not decode. */
    private static final class CallFailed extends RuntimeException {
        CallFailed(String function, RuntimeException cause) {
            super(function + " failed (" + (cause.getMessage() == null ? cause.getClass().getSimpleName()
                    : cause.getMessage()) + ")", cause);
        }
    }
}

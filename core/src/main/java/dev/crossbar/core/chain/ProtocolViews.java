package dev.crossbar.core.chain;

import dev.crossbar.contracts.bindings.DepositExecutor;
import dev.crossbar.contracts.bindings.L1Messenger;
import dev.crossbar.contracts.bindings.L2ToL2CrossDomainMessenger;
import dev.crossbar.contracts.bindings.Multicall3;
import dev.crossbar.contracts.bindings.OutputOracle;
import dev.crossbar.contracts.bindings.Portal;
import dev.crossbar.core.rpc.RpcException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Type;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.tx.Contract;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.utils.Numeric;

/**
 * The protocol's calls: call data from the generated bindings (never written by hand), for the transactions the
 * relayer and the monitor build, and the view functions they ask, as typed binding calls sent through the chain's
 * {@link EthApi} ({@link EthApiService}). A view that reverts throws {@link EthApi.Reverted}.
 */
public final class ProtocolViews {
    /** The block tag of reads at the chain's head. */
    public static final String LATEST = "latest";
    /** Gas prices and limits are not used by view calls. */
    private static final ContractGasProvider VIEWS_ONLY = new StaticGasProvider(BigInteger.ZERO, BigInteger.ZERO);

    private ProtocolViews() {}

    // ---- encode only: bindings connected to no node -----------------------------------------------------------

    public static Portal portal(String address) {
        return Portal.load(address, null, (TransactionManager) null, null);
    }

    public static OutputOracle oracle(String address) {
        return OutputOracle.load(address, null, (TransactionManager) null, null);
    }

    public static L1Messenger messenger(String address) {
        return L1Messenger.load(address, null, (TransactionManager) null, null);
    }

    public static L2ToL2CrossDomainMessenger l2ToL2(String address) {
        return L2ToL2CrossDomainMessenger.load(address, null, (TransactionManager) null, null);
    }

    public static Multicall3 multicall(String address) {
        return Multicall3.load(address, null, (TransactionManager) null, null);
    }

    // ---- view calls -------------------------------------------------------------------------------------------

    /** An output proposal as {@code getL2Output} returns it. */
    public record Output(BigInteger index, byte[] root, long timestamp, long l2BlockNumber) {
        /** The root as lower-case hex with {@code 0x}. */
        public String rootHex() {
            return Numeric.toHexString(root);
        }
    }

    /** {@code provenWithdrawals(hash)}: zero timestamp when not proven. */
    public record Proven(byte[] outputRoot, long timestamp, BigInteger outputIndex) {
        public boolean exists() {
            return timestamp != 0;
        }

        /** The output root as lower-case hex with {@code 0x}. */
        public String outputRootHex() {
            return Numeric.toHexString(outputRoot);
        }
    }

    /** A generated binding's {@code load}. */
    @FunctionalInterface
    interface Loader<C extends Contract> {
        C load(String address, Web3j web3j, TransactionManager transactions, ContractGasProvider gas);
    }

    static <C extends Contract> C bind(Loader<C> loader, EthApi chain, String address, String blockTag) {
        Web3j web3j = Web3j.build(new EthApiService(chain));
        C contract = loader.load(address, web3j, new ReadonlyTransactionManager(web3j, null), VIEWS_ONLY);
        contract.setDefaultBlockParameter(block(blockTag));
        return contract;
    }

    /** A block tag ({@code latest}, {@code safe}, {@code finalized}, ...) or hex number as web3j's parameter. */
    static DefaultBlockParameter block(String blockTag) {
        return blockTag.startsWith("0x") ? DefaultBlockParameter.valueOf(Numeric.toBigInt(blockTag))
                : DefaultBlockParameter.valueOf(blockTag);
    }

    /** The Portal at {@code address}, for view calls over {@code chain} at {@code blockTag} ({@link #view}). */
    public static Portal portal(EthApi chain, String address, String blockTag) {
        return bind(Portal::load, chain, address, blockTag);
    }

    /** The OutputOracle at {@code address}, for view calls over {@code chain} at {@code blockTag}. */
    public static OutputOracle oracle(EthApi chain, String address, String blockTag) {
        return bind(OutputOracle::load, chain, address, blockTag);
    }

    /** The L1 messenger at {@code address}, for view calls over {@code chain} at {@code blockTag}. */
    public static L1Messenger messenger(EthApi chain, String address, String blockTag) {
        return bind(L1Messenger::load, chain, address, blockTag);
    }

    /** The L2-to-L2 messenger at {@code address}, for view calls over {@code chain} at {@code blockTag}. */
    public static L2ToL2CrossDomainMessenger l2ToL2(EthApi chain, String address, String blockTag) {
        return bind(L2ToL2CrossDomainMessenger::load, chain, address, blockTag);
    }

    /** An L2's DepositExecutor at {@code address}, for view calls over {@code chain} at {@code blockTag}. */
    public static DepositExecutor depositExecutor(EthApi chain, String address, String blockTag) {
        return bind(DepositExecutor::load, chain, address, blockTag);
    }


    /**
     * Sends a view call of a binding from this class and returns its typed answer.
     *
     * @throws EthApi.Reverted when the call reverts
     * @throws IllegalStateException when the answer is too short for the function's outputs (no contract there?)
     */
    public static <T> T view(RemoteFunctionCall<T> call) {
        try {
            return call.send();
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalStateException("a view call's answer is shorter than its outputs (no contract at that "
                    + "address?)", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new RpcException.Malformed("a view call's answer could not be read: " + e.getMessage(), e);
        }
    }

    /** {@code provenWithdrawals(hash)} at the latest block. */
    public static Proven provenWithdrawal(EthApi l1, String portal, byte[] hash) {
        return provenWithdrawal(l1, portal, hash, LATEST);
    }

    /** {@code provenWithdrawals(hash)} at {@code blockTag}. */
    public static Proven provenWithdrawal(EthApi l1, String portal, byte[] hash, String blockTag) {
        var v = view(portal(l1, portal, blockTag).provenWithdrawals(hash));
        return new Proven(v.component1(), v.component2().longValueExact(), v.component3());
    }

    /**
     * The Portal's escape mode as proofs see it: once active, only outputs up to {@code outputIndex} (the last one
     * finalized before it began, when {@code hasOutput}) can be proven against and finalized with.
     */
    public record Escape(boolean active, boolean hasOutput, BigInteger outputIndex) {
        /** Whether a proof against output {@code index} can be finalized. */
        public boolean admits(BigInteger index) {
            return !active || (hasOutput && index.compareTo(outputIndex) <= 0);
        }
    }

    public static Escape escape(EthApi l1, String portal) {
        Portal p = portal(l1, portal, LATEST);
        if (!view(p.escapeMode())) {
            return new Escape(false, false, BigInteger.ZERO);
        }
        return new Escape(true, view(p.escapeHasOutput()), view(p.escapeOutputIndex()));
    }

    /**
     * Whether the withdrawal was finalized. A "yes" makes the relayer skip a delivery, so it counts only when every
     * other endpoint of the chain that answers agrees ({@link #doneEverywhere}).
     */
    public static boolean finalizedWithdrawal(EthApi l1, String portal, byte[] hash) {
        return doneEverywhere(l1, "finalizedWithdrawals(" + Numeric.toHexString(hash) + ")",
                e -> view(portal(e, portal, LATEST).finalizedWithdrawals(hash)));
    }

    /** Whether the messenger message was relayed successfully; a "yes" is confirmed as in {@link #doneEverywhere}. */
    public static boolean successfulMessage(EthApi chain, String messenger, byte[] hash) {
        return doneEverywhere(chain, "successfulMessages(" + Numeric.toHexString(hash) + ")",
                e -> view(messenger(e, messenger, LATEST).successfulMessages(hash)));
    }

    /** Whether the L2-to-L2 message was relayed; a "yes" is confirmed as in {@link #doneEverywhere}. */
    public static boolean successfulCrossRollup(EthApi chain, String messenger, byte[] hash) {
        return doneEverywhere(chain, "successfulMessages(" + Numeric.toHexString(hash) + ")",
                e -> view(l2ToL2(e, messenger, LATEST).successfulMessages(hash)));
    }

    /**
     * {@link #successfulCrossRollup} of several messages, asked of the chain's client in one batch; each "yes" is
     * then confirmed as in {@link #doneEverywhere} (a "no" needs no confirmation: it only lets a delivery go ahead,
     * and the delivery's own simulation would refuse a relay that was done).
     */
    public static List<Boolean> successfulCrossRollups(EthApi chain, String messenger, List<byte[]> hashes) {
        L2ToL2CrossDomainMessenger binding = l2ToL2(messenger);
        List<EthApi.TxCall> calls = hashes.stream().map(h -> new EthApi.TxCall(messenger,
                binding.successfulMessages(h).encodeFunctionCall(), null)).toList();
        List<EthApi.Each<String>> answers = chain.callEach(null, calls);
        List<Boolean> out = new ArrayList<>(hashes.size());
        for (int i = 0; i < hashes.size(); i++) {
            String data = answers.get(i).orThrow();
            byte[] word = Numeric.hexStringToByteArray(data);
            if (word.length != 32) {
                throw new dev.crossbar.core.rpc.RpcException.Malformed(chain.name() + ": successfulMessages("
                        + Numeric.toHexString(hashes.get(i)) + ") answered " + data + ", not one word");
            }
            boolean yes = new BigInteger(1, word).signum() != 0;
            out.add(yes && successfulCrossRollup(chain, messenger, hashes.get(i)));
        }
        return out;
    }

    /**
     * An effect check whose "yes" makes a delivery be skipped: an endpoint lying about state (or behind, on another
     * fork) must not be able to make a message count as delivered when it was not. The chain's client answers first;
     * a "yes" stands only if every other endpoint of the chain that answers says yes too. One that says no wins (the
     * delivery goes ahead: if the effect did happen, the send's simulation sees it and nothing is sent); one that does
     * not answer says nothing.
     */
    static boolean doneEverywhere(EthApi chain, String what, java.util.function.Predicate<EthApi> done) {
        if (!done.test(chain)) {
            return false;
        }
        List<EthApi> all = chain.endpoints();
        if (all.size() < 2) {
            return true;
        }
        for (EthApi endpoint : all) {
            boolean yes;
            try {
                yes = done.test(endpoint);
            } catch (RuntimeException e) {
                continue; // no answer: says nothing either way
            }
            if (!yes) {
                LOG.warn("rpc endpoints disagree on an effect chain={} endpoint={} view={}: it says not done, another"
                        + " says done; taken as not done", chain.name(), endpoint.name(), what);
                return false;
            }
        }
        return true;
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProtocolViews.class);

    /** The index of the first output covering {@code l2Block}; {@link EthApi.Reverted} when none does yet. */
    public static BigInteger outputIndexAfter(EthApi l1, String oracle, long l2Block) {
        return view(oracle(l1, oracle, LATEST).getL2OutputIndexAfter(BigInteger.valueOf(l2Block)));
    }

    /** The index of the newest output; {@link EthApi.Reverted} when none was proposed yet. */
    public static BigInteger latestOutputIndex(EthApi l1, String oracle) {
        return view(oracle(l1, oracle, LATEST).latestOutputIndex());
    }

    /** Output {@code index}; {@link EthApi.Reverted} when there is none (never proposed, or deleted). */
    public static Output output(EthApi l1, String oracle, BigInteger index) {
        return output(l1, oracle, index, LATEST);
    }

    /** Output {@code index} at {@code blockTag}; {@link EthApi.Reverted} when there is none there. */
    public static Output output(EthApi l1, String oracle, BigInteger index, String blockTag) {
        OutputOracle.OutputProposal o = view(oracle(l1, oracle, blockTag).getL2Output(index));
        return new Output(index, o.outputRoot, o.timestamp.longValueExact(), o.l2BlockNumber.longValueExact());
    }

    public static long finalizationPeriod(EthApi l1, String oracle) {
        return view(oracle(l1, oracle, LATEST).FINALIZATION_PERIOD_SECONDS()).longValueExact();
    }

    /**
     * Results of a simulated {@code aggregate3} (a transaction function, so its binding gives no typed answer):
     * whether each call succeeded.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static List<Boolean> aggregate3Results(String returnData) {
        List<Type> v = FunctionReturnDecoder.decode(returnData, List.of((TypeReference)
                new TypeReference<DynamicArray<Multicall3.Result>>() {}));
        List<Boolean> out = new ArrayList<>();
        for (Object r : ((DynamicArray) v.getFirst()).getValue()) {
            out.add(((Multicall3.Result) r).success);
        }
        return out;
    }
}

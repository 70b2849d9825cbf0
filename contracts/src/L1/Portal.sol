// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Types } from "src/libraries/Types.sol";
import { Hashing } from "src/libraries/Hashing.sol";
import { AddressAliasHelper } from "src/vendor/AddressAliasHelper.sol";
import { OutputOracle } from "L1/OutputOracle.sol";
import { DEFAULT_L2_SENDER, ESTIMATION_ADDRESS, DEPOSIT_EXECUTOR_PREDEPLOY } from "libraries/Addresses.sol";
import { SafeCall } from "src/libraries/SafeCall.sol";
import { SecureMerkleTrie } from "src/libraries/trie/SecureMerkleTrie.sol";
import { RLPReader } from "src/libraries/rlp/RLPReader.sol";
import { hashDeposit } from "libraries/DepositHash.sol";

/// @title Portal
/// @notice Crossbar's counterpart of the OP Stack's OptimismPortal (v1, proving against an
///         L2OutputOracle-style OutputOracle), plus an escape hatch. It is the L1 end of one L2:
///         deposits (L1 to L2) are emitted as TransactionDeposited for the L2's sequencer to
///         execute; withdrawals (L2 to L1) are proven with a storage proof against an output root
///         and finalized after the challenge window. Function signatures, events, the
///         ProvenWithdrawal struct and all hashing are the OP Stack's.
///         Additions: the guardian can pause the Portal; every deposit is escrowed under a
///         sequential deposit nonce; and the Portal has a permanent escape mode, entered by the
///         guardian or, when the proposer is dead while a deposit waits, by anyone. In escape mode
///         deposits are closed, withdrawals can be proven and finalized only against outputs that
///         were already finalized when escape mode began, and every deposit the L2 had not
///         executed as of the last such output can be reclaimed on L1 by its original sender.
///         A reclaim pays the L1 msg.sender of depositTransaction; while it pays, the deposit
///         nonce being reclaimed is readable through reclaimingDeposit() (the L1Messenger uses
///         it to forward the ETH of a message deposit to the message's sender).
contract Portal {
    /// @notice A withdrawal proven against an output.
    /// @custom:field outputRoot    Output root the withdrawal was proven against.
    /// @custom:field timestamp     L1 timestamp of the proof (starts its own waiting period).
    /// @custom:field l2OutputIndex Index of that output in the OutputOracle.
    struct ProvenWithdrawal {
        bytes32 outputRoot;
        uint128 timestamp;
        uint128 l2OutputIndex;
    }

    /// @notice An escrowed deposit.
    /// @custom:field depositHash hashDeposit(nonce, from, to, mint, value, gasLimit, isCreation, data),
    ///                           the hash the L2 DepositExecutor reports when the deposit is executed.
    /// @custom:field sender      The L1 msg.sender of depositTransaction (NOT aliased): who a
    ///                           reclaim pays (for a message deposit, the L1Messenger, which
    ///                           forwards the ETH to the message's sender).
    /// @custom:field mint        ETH escrowed with the deposit (its msg.value).
    /// @custom:field reclaimed   Whether the deposit was reclaimed in escape mode.
    struct DepositRecord {
        bytes32 depositHash;
        address sender;
        uint96 mint;
        bool reclaimed;
    }

    /// @notice Version of the TransactionDeposited event.
    uint256 internal constant DEPOSIT_VERSION = 0;

    /// @notice L2 gas limit of deposits made by sending ETH to this contract.
    uint64 internal constant RECEIVE_DEFAULT_GAS_LIMIT = 100_000;

    /// @notice Largest calldata a deposit may carry (the OP Stack's limit).
    uint256 internal constant MAX_DEPOSIT_DATA_SIZE = 120_000;

    /// @notice Largest L2 gas limit a deposit may request. The OP Stack enforces the same bound
    ///         through its resource metering (default maxResourceLimit, 20M gas per L1 block);
    ///         it guarantees that the devnet executor can always execute a deposit.
    uint64 public constant MAX_DEPOSIT_GAS_LIMIT = 20_000_000;

    /// @notice Root of an empty Merkle-Patricia trie: the storage root of an account without
    ///         storage.
    bytes32 internal constant EMPTY_TRIE_ROOT = 0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421;

    /// @notice Storage slot of DepositExecutor.executedCount on L2.
    uint256 internal constant EXECUTED_COUNT_SLOT = 0;

    /// @notice What reclaimingDeposit() returns while no reclaim is paying out.
    uint256 public constant NO_RECLAIM_IN_PROGRESS = type(uint256).max;

    /// @notice The OutputOracle of the L2.
    OutputOracle public immutable L2_ORACLE;

    /// @notice Address allowed to pause, unpause and enter escape mode at any time.
    address public immutable GUARDIAN;

    /// @notice Seconds without a new output, while a deposit waits, after which anyone may enter
    ///         escape mode.
    uint256 public immutable livenessTimeout;

    /// @notice L1 timestamp of this contract's deployment (start of the liveness clock while no
    ///         output exists).
    uint256 public immutable deploymentTimestamp;

    /// @notice The OutputOracle's challenge window, copied at deployment.
    uint256 internal immutable FINALIZATION_PERIOD_SECONDS;

    /// @notice L2 sender of the withdrawal being finalized, DEFAULT_L2_SENDER otherwise. Acts as
    ///         the reentrancy guard of finalizeWithdrawalTransaction.
    address public l2Sender;

    /// @notice Hashes of finalized withdrawals (each finalizes at most once).
    mapping(bytes32 => bool) public finalizedWithdrawals;

    /// @notice Proven withdrawals by withdrawal hash.
    mapping(bytes32 => ProvenWithdrawal) public provenWithdrawals;

    /// @notice Whether the guardian paused the Portal.
    bool public paused;

    /// @notice Whether escape mode is active (permanent once entered).
    bool public escapeMode;

    /// @notice Whether an output was already finalized when escape mode began.
    bool public escapeHasOutput;

    /// @notice L1 timestamp at which escape mode began (0 before).
    uint256 public escapeTimestamp;

    /// @notice Index of the last output finalized when escape mode began (meaningful only when
    ///         escapeHasOutput): the only outputs usable in escape mode are those at or before it.
    uint256 public escapeOutputIndex;

    /// @notice Number of deposits made; also the nonce of the next deposit.
    uint256 public depositCount;

    /// @notice L1 timestamp of the latest deposit (0 while there is none).
    uint256 public lastDepositTimestamp;

    /// @notice Escrow record of every deposit by deposit nonce.
    mapping(uint256 => DepositRecord) public deposits;

    /// @notice 1 + nonce of the deposit whose reclaim is paying out, 0 otherwise. Transient
    ///         storage: never part of the persistent layout, idle again at the end of every
    ///         transaction. Also the reentrancy guard of reclaimDeposit. Read through
    ///         reclaimingDeposit().
    uint256 internal transient reclaimingDepositPlusOne;

    /// @notice Emitted for every deposit; read by the L2's sequencer to execute it.
    /// @param from       L2 sender: msg.sender, aliased when msg.sender != tx.origin.
    /// @param to         L2 target (address(0) for a creation).
    /// @param version    Version of the event encoding (0).
    /// @param opaqueData abi.encodePacked(mint, value, gasLimit, isCreation, data).
    event TransactionDeposited(address indexed from, address indexed to, uint256 indexed version, bytes opaqueData);

    /// @notice Emitted when a withdrawal is proven.
    /// @param withdrawalHash Hashing.hashWithdrawal of the withdrawal.
    /// @param from           L2 sender of the withdrawal.
    /// @param to             L1 target of the withdrawal.
    event WithdrawalProven(bytes32 indexed withdrawalHash, address indexed from, address indexed to);

    /// @notice Emitted when a withdrawal is finalized (whether or not its call succeeded; it can
    ///         never be finalized again either way).
    /// @param withdrawalHash Hashing.hashWithdrawal of the withdrawal.
    /// @param success        Whether the call to the target succeeded.
    event WithdrawalFinalized(bytes32 indexed withdrawalHash, bool success);

    /// @notice Emitted when the guardian pauses the Portal.
    /// @param account The guardian.
    event Paused(address account);

    /// @notice Emitted when the guardian unpauses the Portal.
    /// @param account The guardian.
    event Unpaused(address account);

    /// @notice Emitted once, when escape mode begins.
    /// @param escapeTimestamp      L1 timestamp at which it began.
    /// @param lastValidOutputIndex Last output finalized at that time (0 when hasValidOutput is false).
    /// @param hasValidOutput       Whether any output was finalized at that time.
    /// @param caller               Who activated it (the guardian, or anyone on proposer failure).
    event EscapeModeActivated(
        uint256 escapeTimestamp, uint256 lastValidOutputIndex, bool hasValidOutput, address caller
    );

    /// @notice Emitted right after TransactionDeposited for every deposit.
    /// @param depositNonce Sequential nonce of the deposit.
    /// @param sender       L1 msg.sender (not aliased), who a reclaim would pay.
    /// @param depositHash  hashDeposit of the deposit (also reported by the L2 DepositExecutor).
    /// @param mint         ETH escrowed.
    event DepositEscrowed(uint256 indexed depositNonce, address indexed sender, bytes32 indexed depositHash, uint256 mint);

    /// @notice Emitted when an unexecuted deposit is reclaimed in escape mode.
    /// @param depositNonce Nonce of the deposit.
    /// @param recipient    Its original L1 sender, who received the escrowed ETH.
    /// @param amount       ETH paid back.
    event DepositReclaimed(uint256 indexed depositNonce, address indexed recipient, uint256 amount);

    /// @param _l2Oracle        OutputOracle of the L2.
    /// @param _guardian        Guardian address.
    /// @param _livenessTimeout Proposer liveness timeout in seconds; must be > 0.
    constructor(OutputOracle _l2Oracle, address _guardian, uint256 _livenessTimeout) {
        require(address(_l2Oracle).code.length > 0, "Portal: output oracle has no code");
        require(_livenessTimeout > 0, "Portal: liveness timeout must be greater than 0");
        L2_ORACLE = _l2Oracle;
        GUARDIAN = _guardian;
        livenessTimeout = _livenessTimeout;
        deploymentTimestamp = block.timestamp;
        FINALIZATION_PERIOD_SECONDS = _l2Oracle.FINALIZATION_PERIOD_SECONDS();
        l2Sender = DEFAULT_L2_SENDER;
    }

    /// @notice Restricts a function to the guardian.
    modifier onlyGuardian() {
        require(msg.sender == GUARDIAN, "Portal: only the guardian can call this function");
        _;
    }

    /// @notice Sending ETH here deposits it to the same address on L2 (gas limit 100_000, no
    ///         data). Contracts should call depositTransaction: their L2 address is aliased.
    receive() external payable {
        depositTransaction(msg.sender, msg.value, RECEIVE_DEFAULT_GAS_LIMIT, false, bytes(""));
    }

    /// @notice Accepts ETH without making a deposit.
    function donateETH() external payable {
        // Intentionally empty.
    }

    /// @notice Nonce of the deposit whose reclaim is paying out right now, or
    ///         NO_RECLAIM_IN_PROGRESS. Like l2Sender for withdrawals, it lets the recipient of a
    ///         call from this Portal tell what the call is: when it is not NO_RECLAIM_IN_PROGRESS,
    ///         the call is the payment of that deposit's reclaim to deposits(nonce).sender (no
    ///         withdrawal can be finalized and no other reclaim made during that payment).
    /// @return The deposit nonce, or NO_RECLAIM_IN_PROGRESS.
    function reclaimingDeposit() public view returns (uint256) {
        uint256 plusOne = reclaimingDepositPlusOne;
        return plusOne == 0 ? NO_RECLAIM_IN_PROGRESS : plusOne - 1;
    }

    /// @notice Version of the OP Stack portal interface this Portal implements: 2.x, OP's
    ///         OptimismPortal before fault proofs (proofs against an L2OutputOracle, by output
    ///         index), not OptimismPortal2 (3.x, dispute games). OP Stack clients (viem's
    ///         op-stack actions, the OP SDK) read it to choose how to prove and finalize, and
    ///         then use provenWithdrawals, finalizedWithdrawals, l2Oracle and the oracle's views
    ///         with OP's signatures, as this Portal and the OutputOracle have them.
    /// @return The semantic version, "2.0.0".
    function version() external pure returns (string memory) {
        return "2.0.0";
    }

    /// @notice Same as L2_ORACLE.
    function l2Oracle() external view returns (OutputOracle) {
        return L2_ORACLE;
    }

    /// @notice Same as GUARDIAN.
    function guardian() external view returns (address) {
        return GUARDIAN;
    }

    /// @notice Smallest L2 gas limit a deposit with `_byteCount` bytes of data may request:
    ///         _byteCount * 16 + 21000.
    /// @param _byteCount Length of the deposit's data.
    /// @return The minimum gas limit.
    function minimumGasLimit(uint64 _byteCount) public pure returns (uint64) {
        return _byteCount * 16 + 21000;
    }

    /// @notice Pauses the Portal: deposits, proofs and finalizations revert until unpaused
    ///         (escape mode keeps its own exits open). Only the GUARDIAN.
    function pause() external onlyGuardian {
        paused = true;
        emit Paused(msg.sender);
    }

    /// @notice Unpauses the Portal. Only the GUARDIAN. Does not leave escape mode, which is
    ///         permanent.
    function unpause() external onlyGuardian {
        paused = false;
        emit Unpaused(msg.sender);
    }

    /// @notice Deposits a transaction to L2: emits TransactionDeposited (from = msg.sender,
    ///         aliased with AddressAliasHelper.applyL1ToL2Alias when msg.sender != tx.origin;
    ///         opaqueData = abi.encodePacked(msg.value, _value, _gasLimit, _isCreation, _data)),
    ///         escrows msg.value under the next deposit nonce and emits DepositEscrowed. Rules:
    ///         not in escape mode, not paused; a creation must have _to == address(0); the gas
    ///         limit must be at least minimumGasLimit(data length) and at most
    ///         MAX_DEPOSIT_GAS_LIMIT; data at most 120_000 bytes.
    /// @param _to         L2 target (address(0) for a creation).
    /// @param _value      ETH to send to the target on L2 (from the minted msg.value).
    /// @param _gasLimit   L2 gas limit.
    /// @param _isCreation Whether the deposit creates a contract.
    /// @param _data       Calldata, or init code for a creation.
    function depositTransaction(
        address _to,
        uint256 _value,
        uint64 _gasLimit,
        bool _isCreation,
        bytes memory _data
    )
        public
        payable
    {
        require(!escapeMode, "Portal: deposits are closed in escape mode");
        require(!paused, "Portal: paused");
        require(!_isCreation || _to == address(0), "Portal: must send to address(0) when creating a contract");
        require(_data.length <= MAX_DEPOSIT_DATA_SIZE, "Portal: data too large");
        require(_gasLimit >= minimumGasLimit(uint64(_data.length)), "Portal: gas limit too small");
        require(_gasLimit <= MAX_DEPOSIT_GAS_LIMIT, "Portal: gas limit too large");
        require(msg.value <= type(uint96).max, "Portal: deposit value too large");

        address from = msg.sender;
        if (msg.sender != tx.origin) {
            from = AddressAliasHelper.applyL1ToL2Alias(msg.sender);
        }

        emit TransactionDeposited(
            from, _to, DEPOSIT_VERSION, abi.encodePacked(msg.value, _value, _gasLimit, _isCreation, _data)
        );

        uint256 nonce = depositCount;
        bytes32 depositHash = hashDeposit(nonce, from, _to, msg.value, _value, _gasLimit, _isCreation, _data);
        deposits[nonce] =
            DepositRecord({ depositHash: depositHash, sender: msg.sender, mint: uint96(msg.value), reclaimed: false });
        depositCount = nonce + 1;
        lastDepositTimestamp = block.timestamp;

        emit DepositEscrowed(nonce, msg.sender, depositHash, msg.value);
    }

    /// @notice Proves that withdrawal `_tx` was initiated on L2, with a storage proof of
    ///         L2ToL1MessagePasser.sentMessages[withdrawalHash] (slot keccak256(abi.encode(hash,
    ///         0))) against the message passer storage root of output `_l2OutputIndex`. Rules: not
    ///         paused (in escape mode: allowed, but only against an output index <=
    ///         escapeOutputIndex); the target is not this Portal; the output exists and
    ///         Hashing.hashOutputRootProof(_outputRootProof) equals its root; the storage proof is
    ///         valid. A withdrawal already proven can be proven again only when its earlier proof
    ///         can no longer be finalized: the output it was proven against was deleted, replaced,
    ///         or re-proposed after the proof, or (in escape mode) lies after escapeOutputIndex.
    ///         Each proof restarts the
    ///         withdrawal's waiting period.
    /// @param _tx              The withdrawal.
    /// @param _l2OutputIndex   Index of the output to prove against.
    /// @param _outputRootProof Preimage of that output root.
    /// @param _withdrawalProof Merkle-Patricia proof of the storage slot, from eth_getProof.
    function proveWithdrawalTransaction(
        Types.WithdrawalTransaction memory _tx,
        uint256 _l2OutputIndex,
        Types.OutputRootProof calldata _outputRootProof,
        bytes[] calldata _withdrawalProof
    )
        external
    {
        if (escapeMode) {
            require(escapeHasOutput, "Portal: no output was finalized before escape mode");
            require(_l2OutputIndex <= escapeOutputIndex, "Portal: output is not usable in escape mode");
        } else {
            require(!paused, "Portal: paused");
        }
        require(_tx.target != address(this), "Portal: you cannot send messages to the portal contract");

        (bytes32 outputRoot,, bool exists) = _outputAt(_l2OutputIndex);
        require(exists, "Portal: output does not exist");
        require(outputRoot == Hashing.hashOutputRootProof(_outputRootProof), "Portal: invalid output root proof");

        bytes32 withdrawalHash = Hashing.hashWithdrawal(_tx);
        require(_canProve(withdrawalHash), "Portal: withdrawal hash has already been proven");

        bytes32 storageKey = keccak256(abi.encode(withdrawalHash, uint256(0)));
        require(
            SecureMerkleTrie.verifyInclusionProof(
                abi.encode(storageKey), hex"01", _withdrawalProof, _outputRootProof.messagePasserStorageRoot
            ),
            "Portal: invalid withdrawal inclusion proof"
        );

        provenWithdrawals[withdrawalHash] = ProvenWithdrawal({
            outputRoot: outputRoot,
            timestamp: uint128(block.timestamp),
            l2OutputIndex: uint128(_l2OutputIndex)
        });

        emit WithdrawalProven(withdrawalHash, _tx.sender, _tx.target);
    }

    /// @notice Finalizes a proven withdrawal: calls its target with its value and data and at
    ///         least its gas limit, with l2Sender set to its L2 sender. Rules: not paused (in
    ///         escape mode: allowed, but only for a withdrawal proven against an output index <=
    ///         escapeOutputIndex); no finalization in progress (reentrancy); no deposit reclaim
    ///         paying out (so that a call made while reclaimingDeposit() is set is always that
    ///         reclaim's payment); proven; proven no earlier than its output was proposed; proven
    ///         more than FINALIZATION_PERIOD_SECONDS ago; the output it was proven against still
    ///         has the proven root; that output was proposed more than
    ///         FINALIZATION_PERIOD_SECONDS ago; not finalized before. The
    ///         withdrawal is marked finalized before the call, so a failed call cannot be retried
    ///         (use the messengers for replayability). Reverts with "SafeCall: Not enough gas"
    ///         when the transaction cannot give the call its gas limit, and on a failed call when
    ///         tx.origin is the estimation address (address(1)).
    /// @param _tx The withdrawal.
    function finalizeWithdrawalTransaction(Types.WithdrawalTransaction memory _tx) external {
        require(l2Sender == DEFAULT_L2_SENDER, "Portal: can only trigger one withdrawal per transaction");
        require(reclaimingDepositPlusOne == 0, "Portal: cannot finalize a withdrawal during a deposit reclaim");

        bytes32 withdrawalHash = Hashing.hashWithdrawal(_tx);
        ProvenWithdrawal memory proven = provenWithdrawals[withdrawalHash];

        if (!escapeMode) require(!paused, "Portal: paused");
        require(proven.timestamp != 0, "Portal: withdrawal has not been proven yet");
        if (escapeMode) {
            require(
                escapeHasOutput && proven.l2OutputIndex <= escapeOutputIndex,
                "Portal: withdrawal is not proven against an output usable in escape mode"
            );
        }

        (bytes32 outputRoot, uint128 outputTimestamp,) = _outputAt(proven.l2OutputIndex);
        require(
            proven.timestamp >= outputTimestamp, "Portal: withdrawal was proven before its output was proposed"
        );
        require(
            _isFinalizationPeriodElapsed(proven.timestamp),
            "Portal: proven withdrawal finalization period has not elapsed"
        );
        require(
            outputRoot == proven.outputRoot, "Portal: output root proven is not the same as current output root"
        );
        require(
            _isFinalizationPeriodElapsed(outputTimestamp),
            "Portal: output proposal finalization period has not elapsed"
        );
        require(!finalizedWithdrawals[withdrawalHash], "Portal: withdrawal has already been finalized");

        finalizedWithdrawals[withdrawalHash] = true;

        l2Sender = _tx.sender;
        bool success = SafeCall.callWithMinGas(_tx.target, _tx.gasLimit, _tx.value, _tx.data);
        l2Sender = DEFAULT_L2_SENDER;

        emit WithdrawalFinalized(withdrawalHash, success);

        if (!success && tx.origin == ESTIMATION_ADDRESS) {
            revert("Portal: withdrawal failed");
        }
    }

    /// @notice Enters escape mode, permanently. The GUARDIAN may do so at any time (and it also
    ///         pauses the Portal). Anyone else may do so only when the proposer is dead: no output
    ///         proposed for more than livenessTimeout seconds (counted from the latest output's
    ///         proposal, or from deployment when there is none) while a deposit waits (the latest
    ///         deposit was made at or after that time). Records the last output that was
    ///         finalized at this moment (output timestamp + FINALIZATION_PERIOD_SECONDS <
    ///         now); only outputs up to it can be used from now on.
    function activateEscapeMode() external {
        require(!escapeMode, "Portal: escape mode is already active");
        if (msg.sender == GUARDIAN) {
            if (!paused) {
                paused = true;
                emit Paused(msg.sender);
            }
        } else {
            uint256 since = _livenessClockStart();
            require(block.timestamp > since + livenessTimeout, "Portal: proposer is still live");
            require(depositCount > 0 && lastDepositTimestamp >= since, "Portal: no deposit is waiting");
        }

        (uint256 lastIndex, bool hasOutput) = _lastOutputFinalizedBefore(block.timestamp);
        escapeMode = true;
        escapeTimestamp = block.timestamp;
        escapeHasOutput = hasOutput;
        escapeOutputIndex = lastIndex;

        emit EscapeModeActivated(block.timestamp, lastIndex, hasOutput, msg.sender);
    }

    /// @notice Whether anyone (not only the guardian) could call activateEscapeMode now.
    function canActivateEscapeMode() external view returns (bool) {
        if (escapeMode) return false;
        uint256 since = _livenessClockStart();
        return block.timestamp > since + livenessTimeout && depositCount > 0 && lastDepositTimestamp >= since;
    }

    /// @notice In escape mode, pays an escrowed deposit back to its original L1 sender, once, if
    ///         the L2 had not executed it as of the last output finalized before escape mode.
    ///         Anyone may call it. When such an output exists, the caller proves the L2
    ///         DepositExecutor's executedCount at that output: `_outputRootProof` must hash to the
    ///         output root at escapeOutputIndex, `_executorAccountProof` proves the executor
    ///         account (predeploy 0x42000000000000000000000000000000000000D0) in its state root
    ///         and `_executorStorageProof` proves storage slot 0 in the account's storage root
    ///         (ignored when that root is the empty trie, i.e. nothing executed yet); the deposit
    ///         must have nonce >= executedCount. Without such an output no deposit can have been
    ///         executed in a finalized state, and the proofs are ignored. The deposit is marked
    ///         reclaimed before it is paid. The payment is a plain call to deposits(nonce).sender
    ///         with all remaining gas, during which reclaimingDeposit() returns the nonce; the
    ///         reclaim reverts if the call fails (and can then be retried). No reclaim may start
    ///         while another reclaim pays out or a withdrawal is being finalized (reentrancy).
    /// @param _depositNonce         Nonce of the deposit.
    /// @param _outputRootProof      Preimage of the output root at escapeOutputIndex.
    /// @param _executorAccountProof Account proof of the DepositExecutor (eth_getProof accountProof).
    /// @param _executorStorageProof Storage proof of its slot 0 (eth_getProof storageProof[0].proof).
    function reclaimDeposit(
        uint256 _depositNonce,
        Types.OutputRootProof calldata _outputRootProof,
        bytes[] calldata _executorAccountProof,
        bytes[] calldata _executorStorageProof
    )
        external
    {
        require(escapeMode, "Portal: escape mode is not active");
        require(reclaimingDepositPlusOne == 0, "Portal: can only pay one deposit reclaim at a time");
        require(l2Sender == DEFAULT_L2_SENDER, "Portal: cannot reclaim a deposit during a withdrawal");
        require(_depositNonce < depositCount, "Portal: deposit does not exist");
        DepositRecord storage record = deposits[_depositNonce];
        require(!record.reclaimed, "Portal: deposit already reclaimed");

        if (escapeHasOutput) {
            (bytes32 outputRoot,,) = _outputAt(escapeOutputIndex);
            require(
                Hashing.hashOutputRootProof(_outputRootProof) == outputRoot, "Portal: invalid output root proof"
            );
            uint256 executedCount =
                _provenExecutedCount(_outputRootProof.stateRoot, _executorAccountProof, _executorStorageProof);
            require(_depositNonce >= executedCount, "Portal: deposit was executed on L2");
        }

        record.reclaimed = true;
        address recipient = record.sender;
        uint256 amount = record.mint;
        reclaimingDepositPlusOne = _depositNonce + 1;
        (bool ok,) = recipient.call{ value: amount }("");
        reclaimingDepositPlusOne = 0;
        require(ok, "Portal: reclaim payment failed");

        emit DepositReclaimed(_depositNonce, recipient, amount);
    }

    /// @notice Whether output `_l2OutputIndex` has passed its challenge window (its proposal
    ///         timestamp + FINALIZATION_PERIOD_SECONDS < block.timestamp). Reverts when the
    ///         output does not exist.
    /// @param _l2OutputIndex Index of the output.
    /// @return Whether the output is finalized.
    function isOutputFinalized(uint256 _l2OutputIndex) external view returns (bool) {
        return _isFinalizationPeriodElapsed(L2_ORACLE.getL2Output(_l2OutputIndex).timestamp);
    }

    /// @notice Whether a withdrawal may be proven now: never proven, or its earlier proof can no
    ///         longer be finalized (its output was deleted, replaced, or re-proposed after the
    ///         proof; or, in escape mode, it lies after escapeOutputIndex).
    function _canProve(bytes32 _withdrawalHash) internal view returns (bool) {
        ProvenWithdrawal memory proven = provenWithdrawals[_withdrawalHash];
        if (proven.timestamp == 0) return true;
        (bytes32 root, uint128 timestamp,) = _outputAt(proven.l2OutputIndex);
        if (root != proven.outputRoot || timestamp > proven.timestamp) return true;
        return escapeMode && (!escapeHasOutput || proven.l2OutputIndex > escapeOutputIndex);
    }

    /// @notice The output at an index, or zeros and exists = false when there is none (never
    ///         proposed or deleted), so that callers can handle deleted outputs without reverting.
    function _outputAt(uint256 _index) internal view returns (bytes32 root_, uint128 timestamp_, bool exists_) {
        if (_index >= L2_ORACLE.nextOutputIndex()) return (bytes32(0), 0, false);
        Types.OutputProposal memory output = L2_ORACLE.getL2Output(_index);
        return (output.outputRoot, output.timestamp, true);
    }

    /// @notice Start of the proposer liveness clock: the latest output's proposal time, or the
    ///         deployment time when there is no output.
    function _livenessClockStart() internal view returns (uint256) {
        uint256 count = L2_ORACLE.nextOutputIndex();
        if (count == 0) return deploymentTimestamp;
        return L2_ORACLE.getL2Output(count - 1).timestamp;
    }

    /// @notice The last output finalized at time `_time` (timestamp + FINALIZATION_PERIOD_SECONDS
    ///         < _time), by binary search: output timestamps never decrease with the index.
    /// @return index_     Its index (0 when there is none).
    /// @return hasOutput_ Whether there is one.
    function _lastOutputFinalizedBefore(uint256 _time) internal view returns (uint256 index_, bool hasOutput_) {
        uint256 lo = 0;
        uint256 hi = L2_ORACLE.nextOutputIndex();
        // Invariant: outputs [0, lo) are finalized at _time, outputs [hi, n) are not.
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            if (uint256(L2_ORACLE.getL2Output(mid).timestamp) + FINALIZATION_PERIOD_SECONDS < _time) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo == 0) return (0, false);
        return (lo - 1, true);
    }

    /// @notice Proves DepositExecutor.executedCount (storage slot 0) in an L2 state root.
    /// @param _stateRoot    L2 state root.
    /// @param _accountProof Account proof of the DepositExecutor in that state root.
    /// @param _storageProof Storage proof of slot 0 in the account's storage root.
    /// @return The number of deposits the L2 had executed.
    function _provenExecutedCount(
        bytes32 _stateRoot,
        bytes[] calldata _accountProof,
        bytes[] calldata _storageProof
    )
        internal
        pure
        returns (uint256)
    {
        // Account = rlp([nonce, balance, storageRoot, codeHash]).
        RLPReader.RLPItem[] memory account = RLPReader.readList(
            SecureMerkleTrie.get(abi.encodePacked(DEPOSIT_EXECUTOR_PREDEPLOY), _accountProof, _stateRoot)
        );
        require(account.length == 4, "Portal: invalid deposit executor account");
        bytes memory storageRootBytes = RLPReader.readBytes(account[2]);
        require(storageRootBytes.length == 32, "Portal: invalid deposit executor storage root");
        bytes32 storageRoot = bytes32(storageRootBytes);

        // executedCount is the executor's only persistent storage: an empty storage trie means 0.
        if (storageRoot == EMPTY_TRIE_ROOT) return 0;

        // Storage values are RLP-encoded big-endian integers without leading zeros.
        bytes memory value =
            RLPReader.readBytes(SecureMerkleTrie.get(abi.encode(EXECUTED_COUNT_SLOT), _storageProof, storageRoot));
        require(value.length <= 32, "Portal: invalid executed deposit count");
        return uint256(bytes32(value)) >> (8 * (32 - value.length));
    }

    /// @notice Whether more than FINALIZATION_PERIOD_SECONDS have passed since `_timestamp`.
    function _isFinalizationPeriodElapsed(uint256 _timestamp) internal view returns (bool) {
        return block.timestamp > _timestamp + FINALIZATION_PERIOD_SECONDS;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { hashDeposit } from "libraries/DepositHash.sol";
import { SafeCall } from "src/libraries/SafeCall.sol";

/// @title DepositExecutor
/// @notice DEVNET ONLY. Stand-in for the rollup node's deposit derivation on the devnet L2s: the
///         devnet operator (the SEQUENCER) reads the Portal's TransactionDeposited /
///         DepositEscrowed events and executes each deposit here, strictly in deposit-nonce order,
///         as an OP Stack node executes deposit transactions. The contract mints deposits from
///         its own (pre-funded) balance. It sits at the devnet predeploy
///         0x42000000000000000000000000000000000000D0, placed there by copying its runtime code,
///         so its only configuration is the immutable SEQUENCER.
///         `executedCount` is storage slot 0 and the contract's only persistent storage: the
///         Portal proves it in an L2 state root to decide, in escape mode, which deposits were
///         never executed (an empty storage trie means 0).
///         Differences from a real deposit transaction: the target sees msg.sender = this
///         contract, not the deposit's `from` (which it reads through l1Sender(); the L2Messenger
///         does); a creation's contract is created by this contract, so its address is not the
///         one an OP node would give it; a deposit whose value exceeds its mint fails (the
///         sender's existing L2 balance is not used).
contract DepositExecutor {
    /// @notice Number of deposits executed; also the nonce of the next one. Storage slot 0.
    uint256 public executedCount;

    /// @notice The only address allowed to execute deposits (the devnet operator's key).
    address public immutable SEQUENCER;

    /// @notice L2 sender of the deposit being executed (transient storage: never part of the
    ///         persistent storage, so executedCount stays the only stored value).
    address internal transient currentL1Sender;

    /// @notice Gas kept back for the bookkeeping after the deposit's call.
    uint256 internal constant RESERVED_GAS = 100_000;

    /// @notice Emitted for every executed deposit, whether or not its call succeeded.
    /// @param nonce       Deposit nonce (as assigned by the Portal).
    /// @param depositHash hashDeposit of the deposit; equals the Portal's DepositEscrowed hash.
    /// @param from        L2 sender of the deposit (aliased for L1 contracts).
    /// @param to          L2 target (address(0) for a creation).
    /// @param success     Whether the call (or creation) succeeded.
    event DepositExecuted(
        uint256 indexed nonce, bytes32 indexed depositHash, address indexed from, address to, bool success
    );

    /// @param _sequencer The only address allowed to execute deposits.
    constructor(address _sequencer) {
        SEQUENCER = _sequencer;
    }

    /// @notice Accepts ETH to top up the balance deposits are minted from.
    receive() external payable { }

    /// @notice The L2 sender (`from`) of the deposit being executed, already aliased for L1
    ///         contracts as the Portal computed it; address(0) when no deposit is executing.
    ///         Contracts called by a deposit read it to authenticate the L1 caller (the
    ///         L2Messenger accepts a message when it is the aliased L1Messenger).
    function l1Sender() external view returns (address) {
        return currentL1Sender;
    }

    /// @notice Executes deposit `_nonce`, with the fields of its TransactionDeposited event.
    ///         Rules: only the SEQUENCER; `_nonce` must equal executedCount (deposits execute in
    ///         order and none can be skipped); the transaction must carry enough gas to give the
    ///         call `_gasLimit`; the balance must cover `_mint`. The deposit counts as executed
    ///         whatever its call does: if `_value > _mint` the call is not made and fails;
    ///         otherwise `_to` is called with `_value` wei, `_data` and `_gasLimit` gas (or, for a
    ///         creation, `_data` is run as init code with `_gasLimit` gas), with l1Sender() =
    ///         `_from`; a (non-creation) deposit targeting this contract fails without a call.
    ///         Then `_mint` minus the value actually delivered (all of `_mint` when the
    ///         call failed) is credited to `_from` without running its code. A failing target
    ///         never makes this function revert.
    /// @param _nonce      Deposit nonce.
    /// @param _from       L2 sender (TransactionDeposited.from).
    /// @param _to         L2 target (TransactionDeposited.to).
    /// @param _mint       ETH minted (opaqueData mint).
    /// @param _value      ETH for the target (opaqueData value).
    /// @param _gasLimit   Gas for the call (opaqueData gasLimit).
    /// @param _isCreation Whether the deposit creates a contract (opaqueData isCreation).
    /// @param _data       Calldata or init code (opaqueData data).
    function executeDeposit(
        uint256 _nonce,
        address _from,
        address _to,
        uint256 _mint,
        uint256 _value,
        uint64 _gasLimit,
        bool _isCreation,
        bytes calldata _data
    )
        external
    {
        require(msg.sender == SEQUENCER, "DepositExecutor: only the sequencer can execute deposits");
        require(_nonce == executedCount, "DepositExecutor: deposits execute in order");
        require(address(this).balance >= _mint, "DepositExecutor: balance too low to mint the deposit");
        require(
            SafeCall.hasMinGas(_gasLimit, RESERVED_GAS), "DepositExecutor: not enough gas to give the deposit its gas limit"
        );

        executedCount = _nonce + 1;
        bytes32 depositHash = hashDeposit(_nonce, _from, _to, _mint, _value, _gasLimit, _isCreation, _data);

        // A deposit may not call this contract itself: it could spend the balance deposits are
        // minted from (executeCreation trusts calls from this contract).
        bool success = false;
        if (_value <= _mint && (_isCreation || _to != address(this))) {
            currentL1Sender = _from;
            success = _isCreation ? _create(_gasLimit, _value, _data) : SafeCall.call(_to, _gasLimit, _value, _data);
            currentL1Sender = address(0);
        }

        uint256 credit = success ? _mint - _value : _mint;
        if (credit > 0) _forceSend(_from, credit);

        emit DepositExecuted(_nonce, depositHash, _from, _to, success);
    }

    /// @notice Runs a creation deposit's init code. Callable only by this contract itself (the
    ///         self-call lets executeDeposit bound the creation's gas to the deposit's gas limit).
    /// @param _value    Wei for the new contract.
    /// @param _initCode Init code.
    /// @return created_ Address of the new contract (reverts if the creation failed).
    function executeCreation(uint256 _value, bytes calldata _initCode) external returns (address created_) {
        require(msg.sender == address(this), "DepositExecutor: only callable by itself");
        bytes memory initCode = _initCode;
        assembly ("memory-safe") {
            created_ := create(_value, add(initCode, 32), mload(initCode))
        }
        require(created_ != address(0), "DepositExecutor: creation failed");
    }

    /// @notice Runs a creation with at most `_gasLimit` gas through a self-call.
    function _create(uint64 _gasLimit, uint256 _value, bytes calldata _initCode) internal returns (bool) {
        return SafeCall.call(address(this), _gasLimit, 0, abi.encodeCall(this.executeCreation, (_value, _initCode)));
    }

    /// @notice Credits `_amount` wei to `_to` without running its code (as a deposit's mint does):
    ///         creates a throwaway contract holding the amount whose init code self-destructs to
    ///         `_to` (init code: PUSH20 _to, SELFDESTRUCT).
    function _forceSend(address _to, uint256 _amount) internal {
        address sink;
        assembly ("memory-safe") {
            mstore(0x00, or(shl(248, 0x73), or(shl(88, _to), shl(80, 0xff))))
            sink := create(_amount, 0x00, 22)
        }
        require(sink != address(0), "DepositExecutor: mint credit failed");
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title DepositExecutor
/// @notice DEVNET ONLY. The devnet L2s' record of which of the Portal's deposits were executed.
///         The devnet operator (the SEQUENCER) reads the Portal's TransactionDeposited /
///         DepositEscrowed events and includes each deposit on the L2 as an OP deposit
///         transaction (type 0x7E: minted value, aliased sender, the hash a client computes from
///         the L1 log), strictly in deposit-nonce order; in the same L2 block it records the
///         deposit here. Nothing else executes or records deposits.
///         It sits at the devnet predeploy 0x42000000000000000000000000000000000000D0, placed
///         there by copying its runtime code, so its only configuration is the immutable
///         SEQUENCER.
///         `executedCount` is storage slot 0 and the contract's only storage: the Portal proves
///         it in an L2 state root to decide, in escape mode, which deposits were never executed
///         (an empty storage trie means 0). Because a deposit and its record are in one L2 block,
///         no output root can show one without the other: a deposit counted as unexecuted at an
///         output had not run on the L2 as of that output.
contract DepositExecutor {
    /// @notice Number of deposits executed; also the nonce of the next one. Storage slot 0.
    uint256 public executedCount;

    /// @notice The only address allowed to record deposits (the devnet operator's key).
    address public immutable SEQUENCER;

    /// @notice Emitted for every executed deposit, whether or not its call succeeded.
    /// @param nonce       Deposit nonce (as assigned by the Portal).
    /// @param depositHash hashDeposit of the deposit; equals the Portal's DepositEscrowed hash.
    /// @param from        L2 sender of the deposit (aliased for L1 contracts).
    /// @param to          L2 target (address(0) for a creation).
    /// @param success     Whether the deposit transaction's call (or creation) succeeded.
    event DepositExecuted(
        uint256 indexed nonce, bytes32 indexed depositHash, address indexed from, address to, bool success
    );

    /// @param _sequencer The only address allowed to record deposits.
    constructor(address _sequencer) {
        SEQUENCER = _sequencer;
    }

    /// @notice Records deposit `_nonce` as executed: the SEQUENCER calls it in the L2 block that
    ///         holds the deposit's 0x7E transaction. Rules: only the SEQUENCER; `_nonce` must
    ///         equal executedCount (deposits execute in order and none can be skipped).
    /// @param _nonce       Deposit nonce.
    /// @param _depositHash hashDeposit of the deposit (the Portal's DepositEscrowed hash).
    /// @param _from        L2 sender (TransactionDeposited.from).
    /// @param _to          L2 target (TransactionDeposited.to).
    /// @param _success     Whether the deposit transaction's call succeeded.
    function recordExecuted(uint256 _nonce, bytes32 _depositHash, address _from, address _to, bool _success)
        external
    {
        require(msg.sender == SEQUENCER, "DepositExecutor: only the sequencer can record deposits");
        require(_nonce == executedCount, "DepositExecutor: deposits execute in order");
        executedCount = _nonce + 1;
        emit DepositExecuted(_nonce, _depositHash, _from, _to, _success);
    }
}

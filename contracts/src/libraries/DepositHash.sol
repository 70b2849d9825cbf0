// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Identifies one deposit of a Portal, as recorded by the Portal when the deposit is made
///         (`Portal.deposits(nonce).depositHash`, event `DepositEscrowed`) and by the L2
///         DepositExecutor when it records it executed (event `DepositExecuted`, the hash the
///         devnet sequencer computes with this same definition).
/// @param _nonce      Sequential deposit nonce assigned by the Portal (0, 1, 2, ...).
/// @param _from       L2 sender of the deposit: the L1 caller, aliased with
///                    AddressAliasHelper.applyL1ToL2Alias when the caller was a contract.
/// @param _to         L2 target (address(0) for a contract creation).
/// @param _mint       ETH escrowed on L1 and minted on L2 (the deposit's msg.value).
/// @param _value      ETH sent to the target on L2.
/// @param _gasLimit   L2 gas limit of the deposit.
/// @param _isCreation Whether the deposit creates a contract.
/// @param _data       Calldata (or init code) of the deposit.
/// @return keccak256(abi.encode(_nonce, _from, _to, _mint, _value, _gasLimit, _isCreation, _data)).
function hashDeposit(
    uint256 _nonce,
    address _from,
    address _to,
    uint256 _mint,
    uint256 _value,
    uint64 _gasLimit,
    bool _isCreation,
    bytes memory _data
)
    pure
    returns (bytes32)
{
    return keccak256(abi.encode(_nonce, _from, _to, _mint, _value, _gasLimit, _isCreation, _data));
}

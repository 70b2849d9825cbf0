// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Types } from "src/libraries/Types.sol";
import { Hashing } from "src/libraries/Hashing.sol";

/// @title RogueFinalizer
/// @notice TEST SUPPORT. A Portal whose finalization rules are broken, for the monitor's tests of early
///         finalization. A test copies the real Portal's runtime code to another address, deploys this
///         contract with that address as IMPLEMENTATION, and places this contract's runtime code at the
///         Portal's address (anvil_setCode). Every call but finalizeWithdrawalTransaction is delegated to
///         the real Portal's code, on the Portal's own storage, so its views (provenWithdrawals, ...)
///         answer as before; finalizeWithdrawalTransaction only emits WithdrawalFinalized, without any of
///         the Portal's checks (proof, windows, output root).
contract RogueFinalizer {
    /// @notice Where the real Portal's runtime code was copied to.
    address public immutable IMPLEMENTATION;

    /// @notice The Portal's WithdrawalFinalized event (same signature).
    event WithdrawalFinalized(bytes32 indexed withdrawalHash, bool success);

    /// @param _implementation Address holding a copy of the real Portal's runtime code.
    constructor(address _implementation) {
        IMPLEMENTATION = _implementation;
    }

    /// @notice Emits WithdrawalFinalized for `_tx` without checking anything.
    /// @param _tx The withdrawal.
    function finalizeWithdrawalTransaction(Types.WithdrawalTransaction memory _tx) external {
        emit WithdrawalFinalized(Hashing.hashWithdrawal(_tx), true);
    }

    /// @notice Accepts ETH (as the Portal's receive would, without making a deposit).
    receive() external payable { }

    /// @notice Runs every other call on the real Portal's code, on this address's storage.
    fallback() external payable {
        address impl = IMPLEMENTATION;
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), impl, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            switch ok
            case 0 { revert(0, returndatasize()) }
            default { return(0, returndatasize()) }
        }
    }
}

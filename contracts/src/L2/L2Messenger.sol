// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { AddressAliasHelper } from "src/vendor/AddressAliasHelper.sol";
import { CrossDomainMessenger } from "universal/CrossDomainMessenger.sol";
import { L2ToL1MessagePasser } from "L2/L2ToL1MessagePasser.sol";
import { L2_TO_L1_MESSAGE_PASSER_PREDEPLOY } from "libraries/Addresses.sol";

/// @title L2Messenger
/// @notice Crossbar's counterpart of the OP Stack's L2CrossDomainMessenger: the L2 side of the
///         messenger pair. Messages to L1 travel as withdrawals through the L2ToL1MessagePasser
///         predeploy (0x4200000000000000000000000000000000000016); messages from L1 arrive as
///         deposits from the L1Messenger.
/// @dev Placed at the predeploy 0x4200000000000000000000000000000000000007 by copying its runtime
///      code, so its only configuration is the immutable other messenger, and it writes no storage
///      in its constructor.
contract L2Messenger is CrossDomainMessenger {
    /// @notice The L2ToL1MessagePasser predeploy.
    address public constant MESSAGE_PASSER = L2_TO_L1_MESSAGE_PASSER_PREDEPLOY;

    /// @param _l1Messenger The L1Messenger of this L2.
    constructor(address _l1Messenger) CrossDomainMessenger(_l1Messenger) { }

    /// @notice The L1Messenger (same as OTHER_MESSENGER).
    function l1CrossDomainMessenger() external view returns (address) {
        return OTHER_MESSENGER_ADDRESS;
    }

    /// @notice Initiates a withdrawal of the relayMessage call to the L1Messenger, carrying the
    ///         message's ETH.
    function _sendMessage(address _to, uint64 _gasLimit, uint256 _value, bytes memory _data) internal override {
        L2ToL1MessagePasser(payable(L2_TO_L1_MESSAGE_PASSER_PREDEPLOY)).initiateWithdrawal{ value: _value }(
            _to, _gasLimit, _data
        );
    }

    /// @notice A first delivery is a deposit transaction from the L1Messenger: its msg.sender is
    ///         the aliased L1Messenger (on the devnet as on an OP Stack chain).
    function _isOtherMessenger() internal view override returns (bool) {
        return AddressAliasHelper.undoL1ToL2Alias(msg.sender) == OTHER_MESSENGER_ADDRESS;
    }

    /// @notice Messages may not call this messenger or the L2ToL1MessagePasser.
    function _isUnsafeTarget(address _target) internal view override returns (bool) {
        return _target == address(this) || _target == L2_TO_L1_MESSAGE_PASSER_PREDEPLOY;
    }
}

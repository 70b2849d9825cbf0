// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { CrossDomainMessenger } from "universal/CrossDomainMessenger.sol";
import { Portal } from "L1/Portal.sol";
import { DEFAULT_L2_SENDER, L2_CROSS_DOMAIN_MESSENGER_PREDEPLOY } from "libraries/Addresses.sol";

/// @title L1Messenger
/// @notice Crossbar's counterpart of the OP Stack's L1CrossDomainMessenger: the L1 side of the
///         messenger pair of one L2. Messages to L2 travel as deposits through the Portal to the
///         L2Messenger at the predeploy 0x4200000000000000000000000000000000000007; messages from
///         L2 arrive as withdrawals finalized by the Portal.
///         Escape mode: the Portal escrows a message's deposit under this messenger (its L1
///         msg.sender), so this messenger records the original sender of every deposit it makes
///         (depositSender) and, when the Portal reclaims such a deposit, forwards the ETH to that
///         sender (receive).
contract L1Messenger is CrossDomainMessenger {
    /// @notice The Portal of the L2.
    Portal public immutable PORTAL;

    /// @notice The original sender (msg.sender of sendMessage) of every deposit this messenger
    ///         made, by the Portal's deposit nonce; address(0) for deposits it did not make.
    ///         A reclaim of the deposit in escape mode is forwarded to this address.
    mapping(uint256 => address) public depositSender;

    /// @notice Emitted by sendMessage, before the Portal's TransactionDeposited, for the deposit
    ///         that carries the message.
    /// @param depositNonce The Portal's nonce of that deposit.
    /// @param sender       msg.sender of sendMessage.
    event DepositSenderRecorded(uint256 indexed depositNonce, address indexed sender);

    /// @notice Emitted when the ETH of a reclaimed message deposit is forwarded to its sender.
    /// @param depositNonce The Portal's nonce of the reclaimed deposit.
    /// @param sender       The message's original sender, who received the ETH.
    /// @param amount       ETH forwarded (the deposit's escrowed value).
    event DepositRefunded(uint256 indexed depositNonce, address indexed sender, uint256 amount);

    /// @param _portal The Portal of the L2.
    constructor(Portal _portal) CrossDomainMessenger(L2_CROSS_DOMAIN_MESSENGER_PREDEPLOY) {
        require(address(_portal).code.length > 0, "L1Messenger: portal has no code");
        PORTAL = _portal;
        xDomainMsgSender = DEFAULT_L2_SENDER;
    }

    /// @notice Accepts ETH only from the Portal while it pays the reclaim of a deposit this
    ///         messenger made (Portal.reclaimingDeposit() is that deposit's nonce), and forwards it
    ///         at once, with all remaining gas, to the deposit's original sender
    ///         (depositSender). Reverts otherwise, and when the forwarding call fails, so that
    ///         the whole reclaim reverts and can be retried. Emits DepositRefunded.
    receive() external payable {
        require(msg.sender == address(PORTAL), "L1Messenger: only the Portal can send ETH");
        uint256 depositNonce = PORTAL.reclaimingDeposit();
        require(
            depositNonce != PORTAL.NO_RECLAIM_IN_PROGRESS(), "L1Messenger: ETH is accepted only from a deposit reclaim"
        );
        address sender = depositSender[depositNonce];
        require(sender != address(0), "L1Messenger: deposit was not made by this messenger");

        if (msg.value > 0) {
            (bool ok,) = sender.call{ value: msg.value }("");
            require(ok, "L1Messenger: refund to the deposit's sender failed");
        }

        emit DepositRefunded(depositNonce, sender, msg.value);
    }

    /// @notice Same as PORTAL.
    function portal() external view returns (Portal) {
        return PORTAL;
    }

    /// @notice Relays are paused while the Portal is paused, except in escape mode, where the
    ///         Portal still finalizes the withdrawals it allows and their messages must run (and
    ///         failed ones be replayed). Sending needs no check: the Portal refuses deposits
    ///         while paused or in escape mode. Refunds (receive) ignore it: they happen only in
    ///         escape mode.
    function paused() public view override returns (bool) {
        return PORTAL.paused() && !PORTAL.escapeMode();
    }

    /// @notice Deposits the relayMessage call to the L2Messenger through the Portal, carrying the
    ///         message's ETH, and records msg.sender as the original sender of that deposit. The
    ///         deposit's nonce is the Portal's depositCount just before the call: depositTransaction
    ///         assigns exactly that nonce and makes no external call in between.
    function _sendMessage(address _to, uint64 _gasLimit, uint256 _value, bytes memory _data) internal override {
        uint256 depositNonce = PORTAL.depositCount();
        depositSender[depositNonce] = msg.sender;
        emit DepositSenderRecorded(depositNonce, msg.sender);
        PORTAL.depositTransaction{ value: _value }(_to, _value, _gasLimit, false, _data);
    }

    /// @notice A first delivery comes from the Portal finalizing a withdrawal whose L2 sender is
    ///         the L2Messenger.
    function _isOtherMessenger() internal view override returns (bool) {
        return msg.sender == address(PORTAL) && PORTAL.l2Sender() == OTHER_MESSENGER_ADDRESS;
    }

    /// @notice Messages may not call this messenger or the Portal.
    function _isUnsafeTarget(address _target) internal view override returns (bool) {
        return _target == address(this) || _target == address(PORTAL);
    }
}

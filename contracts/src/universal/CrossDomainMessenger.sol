// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Hashing } from "src/libraries/Hashing.sol";
import { Encoding } from "src/libraries/Encoding.sol";
import { DEFAULT_L2_SENDER, ESTIMATION_ADDRESS } from "libraries/Addresses.sol";
import { SafeCall } from "src/libraries/SafeCall.sol";

/// @title CrossDomainMessenger
/// @notice Base of L1Messenger and L2Messenger, with the interface, events, hashing, gas rules and
///         relay semantics of the OP Stack's CrossDomainMessenger (message version 1). A message is
///         sent on one side through `sendMessage`, which hands the other side's
///         `relayMessage(nonce, sender, target, value, minGasLimit, message)` call to the chain's
///         transport (deposit or withdrawal); it is identified everywhere by
///         Hashing.hashCrossDomainMessageV1 of those six fields. A relay whose call to the target
///         fails is recorded in `failedMessages` and can be replayed by anyone; a successful one
///         is recorded in `successfulMessages` and can never run again.
///         Differences from the OP Stack: no proxy/initializer/legacy spacers (the other
///         messenger is an immutable), only version-1 nonces are accepted (no legacy version 0),
///         no custom gas token, and the "relay in progress" marker is idle when it is either
///         address(0) or DEFAULT_L2_SENDER, because an L2 messenger placed at its predeploy by
///         copying runtime code starts with empty storage.
abstract contract CrossDomainMessenger {
    /// @notice Version of the messages this messenger sends and relays.
    uint16 public constant MESSAGE_VERSION = 1;

    /// @notice Constant overhead added to the base gas of a message.
    uint64 public constant RELAY_CONSTANT_OVERHEAD = 200_000;

    /// @notice Legacy (Bedrock 1.0) name of the constant overhead; equal to RELAY_CONSTANT_OVERHEAD.
    uint64 public constant MIN_GAS_CONSTANT_OVERHEAD = 200_000;

    /// @notice Numerator of the dynamic overhead (EIP-150's 64/63) added to the base gas.
    uint64 public constant MIN_GAS_DYNAMIC_OVERHEAD_NUMERATOR = 64;

    /// @notice Denominator of the dynamic overhead added to the base gas.
    uint64 public constant MIN_GAS_DYNAMIC_OVERHEAD_DENOMINATOR = 63;

    /// @notice Gas added to the base gas per byte of message.
    uint64 public constant MIN_GAS_CALLDATA_OVERHEAD = 16;

    /// @notice Gas reserved for the CALL to the target in relayMessage.
    uint64 public constant RELAY_CALL_OVERHEAD = 40_000;

    /// @notice Gas reserved to finish relayMessage after the call to the target returns.
    uint64 public constant RELAY_RESERVED_GAS = 40_000;

    /// @notice Gas reserved for the code between the gas check and the CALL in relayMessage.
    uint64 public constant RELAY_GAS_CHECK_BUFFER = 5_000;

    /// @notice Messenger contract on the other chain.
    address internal immutable OTHER_MESSENGER_ADDRESS;

    /// @notice Hashes of messages relayed successfully on this chain; they can never be relayed
    ///         again.
    mapping(bytes32 => bool) public successfulMessages;

    /// @notice Hashes of messages whose relay failed at least once on this chain; anyone may
    ///         replay them with relayMessage until one attempt succeeds.
    mapping(bytes32 => bool) public failedMessages;

    /// @notice Sender (on the other chain) of the message being relayed, or address(0) /
    ///         DEFAULT_L2_SENDER when no relay is in progress.
    address internal xDomainMsgSender;

    /// @notice Sequence number of the next message sent, without the version.
    uint240 internal msgNonce;

    /// @notice Emitted for every message sent to the other chain.
    /// @param target       Recipient on the other chain.
    /// @param sender       msg.sender of sendMessage.
    /// @param message      Calldata for the recipient.
    /// @param messageNonce Versioned nonce of the message.
    /// @param gasLimit     Minimum gas the recipient's call will get.
    event SentMessage(address indexed target, address sender, bytes message, uint256 messageNonce, uint256 gasLimit);

    /// @notice Emitted right after SentMessage with the value of the message.
    /// @param sender msg.sender of sendMessage.
    /// @param value  ETH sent along to the recipient.
    event SentMessageExtension1(address indexed sender, uint256 value);

    /// @notice Emitted when a message is relayed successfully on this chain.
    /// @param msgHash Hashing.hashCrossDomainMessageV1 of the message.
    event RelayedMessage(bytes32 indexed msgHash);

    /// @notice Emitted when a relay attempt fails on this chain (the message becomes replayable).
    /// @param msgHash Hashing.hashCrossDomainMessageV1 of the message.
    event FailedRelayedMessage(bytes32 indexed msgHash);

    /// @param _otherMessenger Messenger contract on the other chain.
    constructor(address _otherMessenger) {
        OTHER_MESSENGER_ADDRESS = _otherMessenger;
    }

    /// @notice Sends `_message` to `_target` on the other chain with `msg.value` ETH. The
    ///         transport is given baseGas(_message, _minGasLimit) gas so that the target call on
    ///         the other side gets at least `_minGasLimit`. Emits SentMessage and
    ///         SentMessageExtension1 and increments the nonce. A message to a target that always
    ///         reverts, or that is refused on the other side (the other messenger itself or its
    ///         transport contract), can never succeed and its ETH stays locked.
    /// @param _target      Recipient on the other chain.
    /// @param _message     Calldata for the recipient.
    /// @param _minGasLimit Minimum gas for the recipient's call.
    function sendMessage(address _target, bytes calldata _message, uint32 _minGasLimit) external payable {
        uint256 nonce = messageNonce();
        _sendMessage(
            OTHER_MESSENGER_ADDRESS,
            baseGas(_message, _minGasLimit),
            msg.value,
            Encoding.encodeCrossDomainMessageV1(nonce, msg.sender, _target, msg.value, _minGasLimit, _message)
        );

        emit SentMessage(_target, msg.sender, _message, nonce, _minGasLimit);
        emit SentMessageExtension1(msg.sender, msg.value);

        unchecked {
            ++msgNonce;
        }
    }

    /// @notice Relays a message sent by the other messenger. Rules, in order: the messenger is not
    ///         paused; the nonce has version 1; a first delivery must come from the other
    ///         messenger through the chain's transport, carry exactly `_value` and not be a known
    ///         failed message; any other call is a replay, which sends no ETH and is only allowed
    ///         for a message in failedMessages; the target must not be a system address of this
    ///         side (this messenger or its transport contract); the message must not be in
    ///         successfulMessages. If there is not enough gas to give the target `_minGasLimit`
    ///         and finish, or another relay is in progress (reentrancy), the message is marked
    ///         failed. Otherwise the target is called with `_value` and `_message`: success marks
    ///         it in successfulMessages (RelayedMessage), failure in failedMessages
    ///         (FailedRelayedMessage). When tx.origin is the estimation address (address(1)), a
    ///         failure reverts instead, so that gas estimation finds the gas a success needs.
    /// @param _nonce       Versioned nonce of the message.
    /// @param _sender      Sender of the message on the other chain.
    /// @param _target      Recipient on this chain.
    /// @param _value       ETH for the recipient.
    /// @param _minGasLimit Minimum gas for the recipient's call.
    /// @param _message     Calldata for the recipient.
    function relayMessage(
        uint256 _nonce,
        address _sender,
        address _target,
        uint256 _value,
        uint256 _minGasLimit,
        bytes calldata _message
    )
        external
        payable
    {
        require(paused() == false, "CrossDomainMessenger: paused");

        (, uint16 version) = Encoding.decodeVersionedNonce(_nonce);
        require(version == 1, "CrossDomainMessenger: only version 1 messages are supported");

        bytes32 versionedHash =
            Hashing.hashCrossDomainMessageV1(_nonce, _sender, _target, _value, _minGasLimit, _message);

        if (_isOtherMessenger()) {
            // First delivery through the transport: these always hold for a well-formed deposit
            // or withdrawal.
            require(msg.value == _value, "CrossDomainMessenger: value must match the message value");
            require(!failedMessages[versionedHash], "CrossDomainMessenger: message was already delivered");
        } else {
            require(msg.value == 0, "CrossDomainMessenger: value must be zero unless message is from a system address");
            require(failedMessages[versionedHash], "CrossDomainMessenger: message cannot be replayed");
        }

        require(!_isUnsafeTarget(_target), "CrossDomainMessenger: cannot send message to blocked system address");
        require(!successfulMessages[versionedHash], "CrossDomainMessenger: message has already been relayed");

        // Not enough gas for the target call plus the rest of this function, or a relay already in
        // progress (reentrancy): record the failure so the message can be replayed later.
        if (!SafeCall.hasMinGas(_minGasLimit, RELAY_RESERVED_GAS + RELAY_GAS_CHECK_BUFFER) || _relayInProgress()) {
            _recordFailure(versionedHash);
            return;
        }

        xDomainMsgSender = _sender;
        bool success = SafeCall.call(_target, gasleft() - RELAY_RESERVED_GAS, _value, _message);
        xDomainMsgSender = DEFAULT_L2_SENDER;

        if (success) {
            successfulMessages[versionedHash] = true;
            emit RelayedMessage(versionedHash);
        } else {
            _recordFailure(versionedHash);
        }
    }

    /// @notice The sender, on the other chain, of the message being relayed. Lets a target
    ///         authenticate the origin of a cross-domain call. Reverts when no relay is in
    ///         progress.
    function xDomainMessageSender() external view returns (address) {
        require(_relayInProgress(), "CrossDomainMessenger: xDomainMessageSender is not set");
        return xDomainMsgSender;
    }

    /// @notice Messenger contract on the other chain.
    function OTHER_MESSENGER() external view returns (address) {
        return OTHER_MESSENGER_ADDRESS;
    }

    /// @notice Same as OTHER_MESSENGER.
    function otherMessenger() external view returns (address) {
        return OTHER_MESSENGER_ADDRESS;
    }

    /// @notice Versioned nonce of the next message: MESSAGE_VERSION in the upper two bytes, the
    ///         sequence number in the lower 30 bytes.
    function messageNonce() public view returns (uint256) {
        return Encoding.encodeVersionedNonce(msgNonce, MESSAGE_VERSION);
    }

    /// @notice Gas the transport must provide so that relayMessage can give the target at least
    ///         `_minGasLimit` and still finish (so a failed message can always be replayed):
    ///         RELAY_CONSTANT_OVERHEAD + 16 * message length + _minGasLimit * 64 / 63 +
    ///         RELAY_CALL_OVERHEAD + RELAY_RESERVED_GAS + RELAY_GAS_CHECK_BUFFER.
    /// @param _message     The message.
    /// @param _minGasLimit Minimum gas for the target call.
    /// @return Gas limit of the deposit or withdrawal that carries the message.
    function baseGas(bytes calldata _message, uint32 _minGasLimit) public pure returns (uint64) {
        return RELAY_CONSTANT_OVERHEAD + (uint64(_message.length) * MIN_GAS_CALLDATA_OVERHEAD)
            + ((_minGasLimit * MIN_GAS_DYNAMIC_OVERHEAD_NUMERATOR) / MIN_GAS_DYNAMIC_OVERHEAD_DENOMINATOR)
            + RELAY_CALL_OVERHEAD + RELAY_RESERVED_GAS + RELAY_GAS_CHECK_BUFFER;
    }

    /// @notice Whether relays are paused on this side (never on L2; on L1 while the Portal is
    ///         paused outside escape mode).
    function paused() public view virtual returns (bool) {
        return false;
    }

    /// @notice Marks a message failed, emits FailedRelayedMessage, and reverts instead during gas
    ///         estimation (tx.origin == ESTIMATION_ADDRESS).
    function _recordFailure(bytes32 _versionedHash) internal {
        failedMessages[_versionedHash] = true;
        emit FailedRelayedMessage(_versionedHash);
        if (tx.origin == ESTIMATION_ADDRESS) {
            revert("CrossDomainMessenger: failed to relay message");
        }
    }

    /// @notice Whether a relay is being executed (xDomainMsgSender holds a real sender).
    function _relayInProgress() internal view returns (bool) {
        address sender = xDomainMsgSender;
        return sender != address(0) && sender != DEFAULT_L2_SENDER;
    }

    /// @notice Hands a message to the chain's transport towards the other messenger.
    /// @param _to       Recipient on the other chain (the other messenger).
    /// @param _gasLimit Gas limit of the deposit or withdrawal.
    /// @param _value    ETH to carry.
    /// @param _data     Calldata (the relayMessage call).
    function _sendMessage(address _to, uint64 _gasLimit, uint256 _value, bytes memory _data) internal virtual;

    /// @notice Whether the current call is a first delivery from the other messenger through this
    ///         chain's transport.
    function _isOtherMessenger() internal view virtual returns (bool);

    /// @notice Whether a relay target is a system address of this side that a message must not
    ///         call (this messenger, its transport contract).
    function _isUnsafeTarget(address _target) internal view virtual returns (bool);
}

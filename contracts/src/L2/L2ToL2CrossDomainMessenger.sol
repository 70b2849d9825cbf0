// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Identifier } from "L2/Identifier.sol";
import { CrossL2Inbox } from "L2/CrossL2Inbox.sol";
import {
    CROSS_L2_INBOX_PREDEPLOY,
    L2_CROSS_DOMAIN_MESSENGER_PREDEPLOY,
    L2_TO_L1_MESSAGE_PASSER_PREDEPLOY
} from "libraries/Addresses.sol";

/// @notice A relay was attempted while another relay was executing.
error ReentrantCall();

/// @notice crossDomainMessageSender/Source/Context was read while no relay was executing.
error NotEntered();

/// @notice The identifier's origin is not the L2ToL2CrossDomainMessenger (this predeploy).
error IdOriginNotL2ToL2CrossDomainMessenger();

/// @notice The relayed payload is not a SentMessage log of the L2ToL2CrossDomainMessenger.
error EventPayloadNotSentMessage();

/// @notice A message was sent to the chain it was sent from.
error MessageDestinationSameChain();

/// @notice A relayed message is destined for another chain.
error MessageDestinationNotRelayChain();

/// @notice A message targets the L2ToL2CrossDomainMessenger itself.
error MessageTargetL2ToL2CrossDomainMessenger();

/// @notice A message targets the CrossL2Inbox predeploy.
error MessageTargetCrossL2Inbox();

/// @notice A message targets the L2CrossDomainMessenger or the L2ToL1MessagePasser.
error L2ToL2CrossDomainMessenger_MessageTargetUnsafe();

/// @notice A message was already relayed successfully.
error MessageAlreadyRelayed();

/// @notice resendMessage was given a message this chain never sent.
error InvalidMessage();

/// @title L2ToL2CrossDomainMessenger
/// @notice The OP Stack interop predeploy at 0x4200000000000000000000000000000000000023, as the
///         interop specification describes it: `sendMessage` emits a SentMessage log on the source
///         chain; anyone may deliver it to the destination's `relayMessage` together with the
///         log's Identifier and raw payload (topics and data). The relay validates the identifier
///         through the CrossL2Inbox (so the relay transaction must declare the message in its
///         access list), and the chain's block builder keeps no block whose executing message has
///         no valid source log. Signatures, events, custom errors, the payload format and the
///         message hash keccak256(abi.encode(destination, source, nonce, sender, target, message))
///         are the OP Stack's. A relay whose target call reverts reverts as a whole, so the
///         message stays unrelayed and can be relayed again. `resendMessage` emits a sent
///         message's SentMessage log again (a new identifier for a message whose first log
///         expired before it was relayed).
contract L2ToL2CrossDomainMessenger {
    /// @notice Message version (0, as in the OP Stack; nonces carry no version bits).
    uint16 public constant messageVersion = 0;

    /// @notice Hashes of messages relayed successfully on this chain; they can never be relayed
    ///         again.
    mapping(bytes32 => bool) public successfulMessages;

    /// @notice Nonce of the next message sent from this chain (not versioned).
    uint256 internal msgNonce;

    /// @notice Hash of every message sent from this chain, by nonce.
    mapping(uint256 => bytes32) public sentMessages;

    /// @notice Whether a relay is executing (transient).
    bool internal transient entered;

    /// @notice Sender of the message being relayed (transient).
    address internal transient currentSender;

    /// @notice Source chain id of the message being relayed (transient).
    uint256 internal transient currentSource;

    /// @notice Emitted on the source chain for every message sent. Its topics and data, prefixed
    ///         by its selector, are the payload relayMessage takes on the destination.
    /// @param destination  Chain id of the destination chain.
    /// @param target       Target on the destination chain.
    /// @param messageNonce Nonce of the message on the source chain.
    /// @param sender       msg.sender of sendMessage.
    /// @param message      Calldata for the target.
    event SentMessage(
        uint256 indexed destination, address indexed target, uint256 indexed messageNonce, address sender, bytes message
    );

    /// @notice Emitted on the destination chain when a message is relayed successfully.
    /// @param source         Chain id of the source chain.
    /// @param messageNonce   Nonce of the message on the source chain.
    /// @param messageHash    Hash of the message.
    /// @param returnDataHash keccak256 of the target call's return data.
    event RelayedMessage(
        uint256 indexed source, uint256 indexed messageNonce, bytes32 indexed messageHash, bytes32 returnDataHash
    );

    /// @notice Semantic version.
    string public constant version = "1.0.0";

    /// @notice Rejects a call made while a relay is executing.
    modifier nonReentrant() {
        if (entered) revert ReentrantCall();
        entered = true;
        _;
        entered = false;
    }

    /// @notice Rejects a call made while no relay is executing.
    modifier onlyEntered() {
        if (!entered) revert NotEntered();
        _;
    }

    /// @notice Sender, on the source chain, of the message being relayed. Reverts with
    ///         NotEntered when no relay is executing.
    function crossDomainMessageSender() external view onlyEntered returns (address sender_) {
        sender_ = currentSender;
    }

    /// @notice Chain id of the source chain of the message being relayed. Reverts with
    ///         NotEntered when no relay is executing.
    function crossDomainMessageSource() external view onlyEntered returns (uint256 source_) {
        source_ = currentSource;
    }

    /// @notice Sender and source chain id of the message being relayed. Reverts with NotEntered
    ///         when no relay is executing.
    function crossDomainMessageContext() external view onlyEntered returns (address sender_, uint256 source_) {
        sender_ = currentSender;
        source_ = currentSource;
    }

    /// @notice Nonce the next message sent from this chain will get.
    function messageNonce() public view returns (uint256) {
        return msgNonce;
    }

    /// @notice Sends `_message` to `_target` on chain `_destination`: emits SentMessage, records
    ///         the message hash under its nonce and increments the nonce. Rules: the destination
    ///         is not this chain; the target is not a messenger or system predeploy (this
    ///         messenger, the CrossL2Inbox, the L2CrossDomainMessenger, the L2ToL1MessagePasser).
    ///         Not payable: no ETH travels with L2-to-L2 messages.
    /// @param _destination Chain id of the destination chain.
    /// @param _target      Target on the destination chain.
    /// @param _message     Calldata for the target.
    /// @return messageHash_ keccak256(abi.encode(destination, source = block.chainid, nonce,
    ///                      sender = msg.sender, target, message)), the key of successfulMessages on
    ///                      the destination.
    function sendMessage(
        uint256 _destination,
        address _target,
        bytes calldata _message
    )
        external
        returns (bytes32 messageHash_)
    {
        if (_destination == block.chainid) revert MessageDestinationSameChain();
        if (_target == address(this)) revert MessageTargetL2ToL2CrossDomainMessenger();
        if (_target == CROSS_L2_INBOX_PREDEPLOY) revert MessageTargetCrossL2Inbox();
        if (_isUnsafeTarget(_target)) revert L2ToL2CrossDomainMessenger_MessageTargetUnsafe();

        uint256 nonce = msgNonce;
        messageHash_ = _hashMessage(_destination, block.chainid, nonce, msg.sender, _target, _message);
        sentMessages[nonce] = messageHash_;
        msgNonce = nonce + 1;

        emit SentMessage(_destination, _target, nonce, msg.sender, _message);
    }

    /// @notice Emits the SentMessage log of a message sent from this chain once more, for a
    ///         message whose first log can no longer be relayed (it expired): the new log has a new
    ///         identifier, the message and its hash are the same, so it is still relayed at most
    ///         once. Anyone may call it.
    /// @param _destination Chain id of the destination chain.
    /// @param _nonce       Nonce of the message.
    /// @param _sender      Sender of the message.
    /// @param _target      Target on the destination chain.
    /// @param _message     Calldata for the target.
    function resendMessage(
        uint256 _destination,
        uint256 _nonce,
        address _sender,
        address _target,
        bytes calldata _message
    )
        external
    {
        bytes32 messageHash = _hashMessage(_destination, block.chainid, _nonce, _sender, _target, _message);
        if (sentMessages[_nonce] != messageHash) revert InvalidMessage();
        emit SentMessage(_destination, _target, _nonce, _sender, _message);
    }

    /// @notice Relays a message sent on another chain. `_sentMessage` is the raw payload of the
    ///         source SentMessage log: abi.encodePacked(SentMessage selector (topic 0),
    ///         bytes32(destination), bytes32(uint256(uint160(target))), bytes32(nonce)) followed by
    ///         the log data abi.encode(sender, message). Anyone may relay. Rules: no relay is
    ///         executing; `_id.origin` is this messenger's address; the CrossL2Inbox validates
    ///         the identifier with keccak256(_sentMessage) (the transaction's access list must
    ///         declare it); the payload is a SentMessage log; its destination is this
    ///         chain; its target is not this messenger or a system predeploy; the message (hash
    ///         over source = `_id.chainId`) was not relayed before. The message is marked relayed,
    ///         then the target is called with msg.value and the message, with
    ///         crossDomainMessageSender/Source set. If the call reverts, the whole relay reverts
    ///         with the target's revert data, leaving the message relayable again.
    /// @param _id          Identifier of the source SentMessage log.
    /// @param _sentMessage Raw payload of that log.
    /// @return returnData_ Return data of the target call.
    function relayMessage(
        Identifier calldata _id,
        bytes calldata _sentMessage
    )
        external
        payable
        nonReentrant
        returns (bytes memory returnData_)
    {
        if (_id.origin != address(this)) revert IdOriginNotL2ToL2CrossDomainMessenger();
        CrossL2Inbox(CROSS_L2_INBOX_PREDEPLOY).validateMessage(_id, keccak256(_sentMessage));

        (uint256 destination, address target, uint256 nonce, address sender, bytes memory message) =
            _decodeSentMessagePayload(_sentMessage);

        if (destination != block.chainid) revert MessageDestinationNotRelayChain();
        if (target == address(this)) revert MessageTargetL2ToL2CrossDomainMessenger();
        if (target == CROSS_L2_INBOX_PREDEPLOY) revert MessageTargetCrossL2Inbox();
        if (_isUnsafeTarget(target)) revert L2ToL2CrossDomainMessenger_MessageTargetUnsafe();

        uint256 source = _id.chainId;
        bytes32 messageHash = _hashMessage(destination, source, nonce, sender, target, message);
        if (successfulMessages[messageHash]) revert MessageAlreadyRelayed();
        successfulMessages[messageHash] = true;

        currentSender = sender;
        currentSource = source;

        bool success;
        (success, returnData_) = target.call{ value: msg.value }(message);
        if (!success) {
            assembly ("memory-safe") {
                revert(add(32, returnData_), mload(returnData_))
            }
        }

        emit RelayedMessage(source, nonce, messageHash, keccak256(returnData_));

        currentSender = address(0);
        currentSource = 0;
    }

    /// @notice Whether a target is the L2CrossDomainMessenger or the L2ToL1MessagePasser: a
    ///         relayed message must never be able to initiate a withdrawal from this contract.
    function _isUnsafeTarget(address _target) internal pure returns (bool) {
        return _target == L2_CROSS_DOMAIN_MESSENGER_PREDEPLOY || _target == L2_TO_L1_MESSAGE_PASSER_PREDEPLOY;
    }

    /// @notice keccak256(abi.encode(destination, source, nonce, sender, target, message)), the OP
    ///         Stack's Hashing.hashL2toL2CrossDomainMessage.
    function _hashMessage(
        uint256 _destination,
        uint256 _source,
        uint256 _nonce,
        address _sender,
        address _target,
        bytes memory _message
    )
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(_destination, _source, _nonce, _sender, _target, _message));
    }

    /// @notice Decodes a SentMessage log payload (selector, three topics, then the data).
    /// @dev Reverts with EventPayloadNotSentMessage when it is too short or has another selector.
    function _decodeSentMessagePayload(bytes calldata _payload)
        internal
        pure
        returns (uint256 destination_, address target_, uint256 nonce_, address sender_, bytes memory message_)
    {
        if (_payload.length < 128) revert EventPayloadNotSentMessage();
        bytes32 selector = abi.decode(_payload[:32], (bytes32));
        if (selector != SentMessage.selector) revert EventPayloadNotSentMessage();
        (destination_, target_, nonce_) = abi.decode(_payload[32:128], (uint256, address, uint256));
        (sender_, message_) = abi.decode(_payload[128:], (address, bytes));
    }
}

// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IAccessLog} from "./interfaces/IAccessLog.sol";

/// @title AccessLog
/// @notice Hash-chained batch roots of the gateways' access logs. See {IAccessLog}.
contract AccessLog is IAccessLog, AccessManaged {
    mapping(address gateway => Head) private _heads;

    constructor(address authority) AccessManaged(authority) {}

    /// @inheritdoc IAccessLog
    function anchor(bytes32 root, uint64 count, uint64 firstSeq, uint64 lastSeq, bytes32 previousRoot)
        external
        restricted
    {
        if (root == bytes32(0)) revert AccessLogZeroRoot();
        if (count == 0) revert AccessLogEmptyBatch();
        if (lastSeq < firstSeq || lastSeq - firstSeq + 1 != count) {
            revert AccessLogCountMismatch(count, firstSeq, lastSeq);
        }
        Head storage head = _heads[msg.sender];
        if (firstSeq != head.lastSeq + 1) revert AccessLogSequenceGap(msg.sender, head.lastSeq + 1, firstSeq);
        if (previousRoot != head.root) revert AccessLogPreviousRootMismatch(msg.sender, head.root, previousRoot);
        uint64 batchIndex = head.batches;
        head.root = root;
        head.lastSeq = lastSeq;
        head.batches = batchIndex + 1;
        head.anchoredAt = uint64(block.timestamp);
        emit BatchAnchored(msg.sender, batchIndex, root, count, firstSeq, lastSeq, previousRoot);
    }

    /// @inheritdoc IAccessLog
    function headOf(address gateway) external view returns (Head memory) {
        return _heads[gateway];
    }
}

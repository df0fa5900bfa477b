// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/**
 * @title IAccessLog
 * @dev Roots of the gateways' access logs. A gateway groups access records into batches and
 * anchors each batch's Merkle root with its record count, sequence range and the previous batch's
 * root, so each gateway's log is one hash chain of batches. Several gateways anchor side by side,
 * each on its own chain. Only the head of each chain is stored; the batches live in events.
 */
interface IAccessLog {
    struct Head {
        bytes32 root;
        uint64 lastSeq;
        uint64 batches;
        uint64 anchoredAt;
    }

    /// @dev `batchIndex` counts from 0 per gateway.
    event BatchAnchored(
        address indexed gateway,
        uint64 indexed batchIndex,
        bytes32 indexed root,
        uint64 count,
        uint64 firstSeq,
        uint64 lastSeq,
        bytes32 previousRoot
    );

    error AccessLogZeroRoot();
    error AccessLogEmptyBatch();
    /// @dev `count` does not match the sequence range.
    error AccessLogCountMismatch(uint64 count, uint64 firstSeq, uint64 lastSeq);
    /// @dev The batch does not start right after the gateway's last anchored record.
    error AccessLogSequenceGap(address gateway, uint64 expectedFirstSeq, uint64 firstSeq);
    error AccessLogPreviousRootMismatch(address gateway, bytes32 expected, bytes32 previousRoot);

    /**
     * @dev Anchors a batch of the caller's access log.
     *
     * Requirements:
     * - caller has the gateway role;
     * - `root` non-zero, `count` >= 1 and equal to `lastSeq - firstSeq + 1`;
     * - `firstSeq` is the caller's last anchored sequence number + 1 (sequence numbers start at 1);
     * - `previousRoot` is the caller's last anchored root (zero for the first batch).
     */
    function anchor(bytes32 root, uint64 count, uint64 firstSeq, uint64 lastSeq, bytes32 previousRoot) external;

    /// @dev The head of `gateway`'s chain of batches.
    function headOf(address gateway) external view returns (Head memory);
}

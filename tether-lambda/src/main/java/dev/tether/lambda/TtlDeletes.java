package dev.tether.lambda;

/**
 * What a stream route does with a REMOVE that DynamoDB's time to live made (the record's {@code userIdentity} is
 * {@code {"type": "Service", "principalId": "dynamodb.amazonaws.com"}}, "Time to Live and DynamoDB Streams",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/time-to-live-ttl-streams.html). A REMOVE made by
 * anyone else always leaves a tombstone.
 */
public enum TtlDeletes {
    /** Like any REMOVE: the row becomes a tombstone (data columns emptied, {@code deleted} true). The default. */
    TOMBSTONE,
    /** The row is kept as it was: the MySQL table is an archive that outlives the item's time to live. */
    KEEP_ROW
}

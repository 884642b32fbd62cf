-- Courier JDBC message store, MariaDB 10.6 or later and MySQL 8.0 or later (both need FOR UPDATE SKIP LOCKED).
-- ${outbox_table}, ${inbox_table} and ${mailbox_table} stand for the configured table names (defaults
-- courier_outbox, courier_inbox, courier_mailbox).
-- Times the store keeps for itself (created_at, lease_until, dispatched_at, handled_at) are microseconds since
-- 1970-01-01T00:00Z; the message's own timestamp and delay are ISO-8601 text so that they come back exactly.
-- The binary collation makes handler keys and recipients case-sensitive, as they are in Java.

CREATE TABLE IF NOT EXISTS ${outbox_table} (
    seq               BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    message_id        CHAR(36)     NOT NULL,
    topic             VARCHAR(255) NOT NULL,
    message_type      VARCHAR(32)  NOT NULL,
    message_timestamp VARCHAR(64)  NOT NULL,
    correlation_id    CHAR(36)     NULL,
    reply_to          VARCHAR(255) NULL,
    partition_key     VARCHAR(255) NULL,
    handled_count     INT          NOT NULL,
    message_delay     VARCHAR(64)  NOT NULL,
    bag               MEDIUMTEXT   NOT NULL,
    content_type      VARCHAR(255) NOT NULL,
    body              LONGBLOB     NOT NULL,
    created_at        BIGINT       NOT NULL,
    lease_until       BIGINT       NULL,
    dispatched_at     BIGINT       NULL,
    UNIQUE KEY ${outbox_table}_message_id (message_id),
    -- Serves the sweeper's query (dispatched_at IS NULL, oldest first), outstandingCount() and retention deletes.
    KEY ${outbox_table}_state (dispatched_at, created_at, seq)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Refusals (the broker refused the message itself: too large, unroutable) and parking: a message refused
-- OutboxSweeper.parkAfter times is parked and no longer claimed, until it is reposted. Added to tables made before.
ALTER TABLE ${outbox_table} ADD COLUMN IF NOT EXISTS refusals INT DEFAULT 0 NOT NULL;
ALTER TABLE ${outbox_table} ADD COLUMN IF NOT EXISTS refusal_reason VARCHAR(1000) NULL;
ALTER TABLE ${outbox_table} ADD COLUMN IF NOT EXISTS parked_at BIGINT NULL;


CREATE TABLE IF NOT EXISTS ${inbox_table} (
    message_id  CHAR(36)     NOT NULL,
    handler_key VARCHAR(255) NOT NULL,
    handled_at  BIGINT       NOT NULL,
    PRIMARY KEY (message_id, handler_key),
    KEY ${inbox_table}_handled_at (handled_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Mailboxes (dev.courier.spi.MailboxStore): a message waits here for its recipient until a take deletes it. type_name
-- is the message's registered type name (message_type is its kind: COMMAND, EVENT, ...). created_at, in
-- microseconds, orders a recipient's messages (message_id breaks ties).
CREATE TABLE IF NOT EXISTS ${mailbox_table} (
    message_id        CHAR(36)     NOT NULL PRIMARY KEY,
    recipient         VARCHAR(200) NOT NULL,
    type_name         VARCHAR(255) NOT NULL,
    topic             VARCHAR(255) NOT NULL,
    message_type      VARCHAR(32)  NOT NULL,
    message_timestamp VARCHAR(64)  NOT NULL,
    correlation_id    CHAR(36)     NULL,
    reply_to          VARCHAR(255) NULL,
    partition_key     VARCHAR(255) NULL,
    handled_count     INT          NOT NULL,
    message_delay     VARCHAR(64)  NOT NULL,
    bag               MEDIUMTEXT   NOT NULL,
    content_type      VARCHAR(255) NOT NULL,
    body              LONGBLOB     NOT NULL,
    created_at        BIGINT       NOT NULL,
    -- Serves take (a recipient's messages of some types, oldest first) and count (a recipient's messages).
    KEY ${mailbox_table}_take (recipient, type_name, created_at, message_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

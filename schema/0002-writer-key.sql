-- 0002-writer-key: the signing-key history of a village's stream (key rotation)
-- and key changes the stream does not announce (a county's revocation, an
-- agent's restore with a new key). docs/keys.md explains the rule they serve:
-- every change set is verified with the key in force for its seq.

-- Village-owned and synced: change sets of the village from seq_from on are
-- signed by pubkey (64 lowercase hex digits, Ed25519). `stele-agent key rotate`
-- adds one row in a change set signed by the key it replaces, with seq_from =
-- that change set's seq + 1. Rows are only ever added.
CREATE TABLE writer_key (
    village_code TEXT NOT NULL,
    seq_from     INTEGER NOT NULL CHECK (seq_from >= 2),
    pubkey       TEXT NOT NULL
                 CHECK (length(pubkey) = 64 AND NOT pubkey GLOB '*[^0-9a-f]*'),
    PRIMARY KEY (village_code, seq_from)
) STRICT;

-- Local, never synced: a change of a village's key that its stream does not
-- announce, from seq_from on.
-- On the county (`stele-aggregator village revoke`): revokes = 1; change sets
-- signed by the key that was in force at seq_from are refused from seq_from on
-- (quarantine reason 'revoked'), and new_key, when set, signs from seq_from on.
-- On an agent (`stele-agent restore` that continues with another key):
-- revokes = 0 and new_key signs from seq_from on.
CREATE TABLE stele_key_override (
    village_code TEXT NOT NULL,
    seq_from     INTEGER NOT NULL CHECK (seq_from >= 1),
    new_key      TEXT
                 CHECK (new_key IS NULL OR
                        (length(new_key) = 64 AND NOT new_key GLOB '*[^0-9a-f]*')),
    revokes      INTEGER NOT NULL DEFAULT 0 CHECK (revokes IN (0,1)),
    at           INTEGER NOT NULL,         -- unix seconds, this computer's clock
    PRIMARY KEY (village_code, seq_from)
) STRICT;

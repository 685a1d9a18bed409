"""The database schema, as numbered migrations tracked in `PRAGMA user_version`.

Each entry upgrades the schema by one version. Never edit a released entry;
append a new one.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: the story library
    """
    CREATE TABLE stories (
        id            INTEGER PRIMARY KEY,
        guild_id      INTEGER,          -- NULL: built in, visible in every server
        slug          TEXT NOT NULL UNIQUE,
        title         TEXT NOT NULL,
        title_key     TEXT NOT NULL,    -- folded title, for collisions
        author        TEXT,
        body          TEXT NOT NULL,
        content_hash  TEXT NOT NULL,
        source_path   TEXT,             -- file it was loaded from, for built-ins
        word_count    INTEGER NOT NULL,
        passage_count INTEGER NOT NULL,
        protagonist   TEXT,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
    );
    CREATE INDEX stories_guild ON stories (guild_id, title_key);
    CREATE INDEX stories_hash ON stories (content_hash);
    CREATE UNIQUE INDEX stories_source ON stories (source_path) WHERE source_path IS NOT NULL;
    CREATE TABLE passages (
        story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
        number   INTEGER NOT NULL,
        start    INTEGER NOT NULL,
        end      INTEGER NOT NULL,
        text     TEXT NOT NULL,
        PRIMARY KEY (story_id, number)
    ) WITHOUT ROWID;
    """,
    # 2: who and where each story is about, extracted at load time
    """
    CREATE TABLE characters (
        story_id      INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
        position      INTEGER NOT NULL, -- protagonist first
        name          TEXT NOT NULL,
        name_key      TEXT NOT NULL,    -- folded, for lookups
        role          TEXT NOT NULL,
        mentions      INTEGER NOT NULL,
        first_passage INTEGER NOT NULL,
        details       TEXT NOT NULL,    -- JSON: aliases and facts with paragraph numbers
        PRIMARY KEY (story_id, position)
    ) WITHOUT ROWID;
    CREATE INDEX characters_name ON characters (name_key);
    CREATE TABLE places (
        story_id      INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
        position      INTEGER NOT NULL,
        name          TEXT NOT NULL,
        kind          TEXT NOT NULL,
        mentions      INTEGER NOT NULL,
        first_passage INTEGER NOT NULL,
        PRIMARY KEY (story_id, position)
    ) WITHOUT ROWID;
    """,
    # 3: moderation: soft delete, versions, per-server hiding, settings, audit
    """
    ALTER TABLE stories ADD COLUMN deleted_at TEXT;   -- removed: restorable for 30 days
    ALTER TABLE stories ADD COLUMN deleted_by INTEGER;
    ALTER TABLE stories ADD COLUMN created_by INTEGER;
    CREATE TABLE story_versions (
        story_id     INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
        version      INTEGER NOT NULL,
        title        TEXT NOT NULL,
        author       TEXT,
        body         TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        created_by   INTEGER,           -- NULL: loaded from a file on the host
        created_at   TEXT NOT NULL,
        PRIMARY KEY (story_id, version)
    ) WITHOUT ROWID;
    INSERT INTO story_versions (story_id, version, title, author, body, content_hash, created_at)
        SELECT id, 1, title, author, body, content_hash, created_at FROM stories;
    CREATE TABLE hidden_stories (
        guild_id  INTEGER NOT NULL,
        story_id  INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
        hidden_by INTEGER NOT NULL,
        hidden_at TEXT NOT NULL,
        PRIMARY KEY (guild_id, story_id)
    ) WITHOUT ROWID;
    CREATE TABLE guild_settings (
        guild_id          INTEGER PRIMARY KEY,
        moderator_role_id INTEGER,
        timezone          TEXT
    );
    CREATE TABLE audit_log (
        id          INTEGER PRIMARY KEY,
        guild_id    INTEGER,
        actor_id    INTEGER,
        action      TEXT NOT NULL,      -- add, edit, remove, restore, hide, unhide, settings
        story_id    INTEGER,
        hash_before TEXT,
        hash_after  TEXT,
        detail      TEXT,
        created_at  TEXT NOT NULL
    );
    CREATE INDEX audit_actor ON audit_log (actor_id, action, created_at);
    CREATE INDEX audit_story ON audit_log (story_id);
    """,
    # 4: reading that remembers, per user across servers
    """
    CREATE TABLE reading_positions (
        user_id    INTEGER NOT NULL,
        story_id   INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
        page       INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (user_id, story_id)
    ) WITHOUT ROWID;
    CREATE INDEX reading_recent ON reading_positions (user_id, updated_at);
    CREATE TABLE last_shown (
        user_id  INTEGER PRIMARY KEY,
        story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE
    );
    """,
    # 5: discussion threads remember their story, so a mention there needs no title
    """
    CREATE TABLE discussion_threads (
        thread_id  INTEGER PRIMARY KEY,
        story_id   INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
        guild_id   INTEGER,
        created_at TEXT NOT NULL
    );
    """,
    # 6: a moderator's story waiting in preview for Publish or Cancel
    """
    CREATE TABLE drafts (
        id                INTEGER PRIMARY KEY,
        guild_id          INTEGER NOT NULL,
        user_id           INTEGER NOT NULL,
        story_id          INTEGER REFERENCES stories (id) ON DELETE CASCADE, -- set when editing
        title             TEXT,
        author            TEXT,
        body              TEXT NOT NULL,
        near_duplicate_of INTEGER,
        similarity        REAL,
        created_at        TEXT NOT NULL
    );
    """,
    # 7: the story of the day: subscriptions and every delivery, for exactly-once posting
    """
    CREATE TABLE subscriptions (
        id            INTEGER PRIMARY KEY,
        guild_id      INTEGER,          -- NULL for a member's DM subscription
        channel_id    INTEGER,          -- NULL for a DM subscription
        user_id       INTEGER,          -- the member, for a DM subscription
        post_at       TEXT NOT NULL,    -- local HH:MM
        timezone      TEXT NOT NULL,
        created_at    TEXT NOT NULL,    -- in effect from; reset on resume
        created_by    INTEGER,
        paused_reason TEXT,
        paused_at     TEXT
    );
    CREATE UNIQUE INDEX subscriptions_channel_time ON subscriptions (channel_id, post_at)
        WHERE channel_id IS NOT NULL;
    CREATE UNIQUE INDEX subscriptions_dm ON subscriptions (user_id) WHERE channel_id IS NULL;
    CREATE INDEX subscriptions_guild ON subscriptions (guild_id);
    CREATE TABLE deliveries (
        subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
        local_date      TEXT NOT NULL,  -- ISO date in the subscription's zone
        story_id        INTEGER NOT NULL,
        status          TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
        message_id      INTEGER,
        resent          INTEGER NOT NULL DEFAULT 0,
        claimed_at      TEXT NOT NULL,
        PRIMARY KEY (subscription_id, local_date)
    ) WITHOUT ROWID;
    CREATE INDEX deliveries_sending ON deliveries (status) WHERE status = 'sending';
    """,
    # 8: an edit remembers the text it started from, so it never silently overwrites
    # another moderator's edit published while its preview was open
    """
    ALTER TABLE drafts ADD COLUMN base_hash TEXT;     -- content hash the edit began from
    ALTER TABLE drafts ADD COLUMN conflict_hash TEXT; -- a newer one the moderator was warned of
    """,
    # 9: why Discord refused a day's post (a 4xx): that day failed, the subscription kept
    """
    ALTER TABLE deliveries ADD COLUMN failure TEXT;
    """,
    # 10: the optional storyteller (a language model): which servers opted in, what each
    # used per day (for the owner's cap), and retellings kept so one is never paid twice
    """
    CREATE TABLE storyteller_guilds (
        guild_id   INTEGER PRIMARY KEY,
        enabled    INTEGER NOT NULL,
        changed_by INTEGER,
        changed_at TEXT NOT NULL
    );
    CREATE TABLE storyteller_usage (
        guild_id INTEGER NOT NULL,
        day      TEXT NOT NULL,        -- UTC date
        requests INTEGER NOT NULL,
        tokens   INTEGER NOT NULL,     -- prompt + completion
        PRIMARY KEY (guild_id, day)
    ) WITHOUT ROWID;
    CREATE TABLE storyteller_retellings (
        content_hash   TEXT NOT NULL,  -- the story's text, so an edit is a new key
        style          TEXT NOT NULL,
        model          TEXT NOT NULL,
        prompt_version INTEGER NOT NULL,
        text           TEXT NOT NULL,
        tokens         INTEGER NOT NULL, -- what writing it cost
        created_at     TEXT NOT NULL,
        PRIMARY KEY (content_hash, style, model, prompt_version)
    ) WITHOUT ROWID;
    """,
    # 11: several processes share the daily work: who holds each DM subscription until
    # when (a lease a dead process loses by expiry), and when each process last showed
    # it was alive (so the DM subscriptions are split evenly between the live ones)
    """
    ALTER TABLE subscriptions ADD COLUMN lease_owner TEXT;
    ALTER TABLE subscriptions ADD COLUMN lease_until TEXT;
    CREATE INDEX subscriptions_lease ON subscriptions (lease_owner) WHERE channel_id IS NULL;
    CREATE TABLE daily_workers (
        name    TEXT PRIMARY KEY,
        seen_at TEXT NOT NULL
    );
    """,
    # 12: the live stories' ids and stamps in an index of their own: every scan the search
    # index makes at start-up (is the saved index current? which stories changed? which
    # may a server see?) read every story's body to reach deleted_at, the last column
    # (0.3-0.9 s a query at 110,000 stories; tens of milliseconds from this index)
    """
    CREATE INDEX stories_live ON stories
        (deleted_at, guild_id, id, updated_at, content_hash, passage_count);
    """,
)

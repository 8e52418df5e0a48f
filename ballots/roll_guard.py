"""The database's guard on named votes, installed by migration 0005.

A vote without a ballot card on a poll with a roll must come from the roll: the elector
is on the poll's roll, the caster is the elector or their proxy, the weight is the
elector's, the elector is present where the roll requires it, and the poll is open. A
vote naming an elector on a poll without a roll is refused too. PB cards' votes (with a
ballot) skip the trigger entirely, so the card hot path pays nothing.

PostgreSQL reads the poll ``FOR SHARE``: a vote waits for a poll's close to commit and is
then refused, and the close's count waits for votes already past the guard. SQLite
serialises writers. SQLite rebuilds a table to alter it, dropping its triggers: a later
migration that alters ``ballots_vote`` must call ``sqlite_guard_restore`` (a test checks
the guard after all migrations).
"""
from wotum.db import schema_sql_run

REFUSED = "named vote refused: not on the roll, not present, wrong weight or poll not open"

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION ballots_vote_roll_guard() RETURNS trigger AS $$
DECLARE
    poll_roll bigint;
    poll_state varchar;
BEGIN
    SELECT roll_id, state INTO poll_roll, poll_state FROM ballots_poll
        WHERE id = NEW.poll_id FOR SHARE;
    IF poll_roll IS NULL THEN
        IF NEW.elector_id IS NOT NULL THEN
            RAISE EXCEPTION '@REFUSED@' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF poll_state <> 'open' OR NOT EXISTS (
        SELECT 1 FROM ballots_elector e JOIN ballots_roll r ON r.id = e.roll_id
        WHERE e.id = NEW.elector_id AND e.roll_id = poll_roll AND e.weight = NEW.weight
          AND (NEW.voter_id = e.user_id OR NEW.voter_id = e.proxy_id)
          AND (NOT r.presence_required OR e.present)
    ) THEN
        RAISE EXCEPTION '@REFUSED@' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS ballots_vote_roll_guard ON ballots_vote;
CREATE TRIGGER ballots_vote_roll_guard BEFORE INSERT ON ballots_vote
    FOR EACH ROW WHEN (NEW.ballot_id IS NULL) EXECUTE FUNCTION ballots_vote_roll_guard();
""".replace("@REFUSED@", REFUSED)
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS ballots_vote_roll_guard ON ballots_vote;
DROP FUNCTION IF EXISTS ballots_vote_roll_guard();
"""
SQLITE_UP = [
    "DROP TRIGGER IF EXISTS ballots_vote_roll_guard;",
    """CREATE TRIGGER ballots_vote_roll_guard BEFORE INSERT ON ballots_vote
        WHEN NEW.ballot_id IS NULL
        BEGIN
          SELECT RAISE(ABORT, '@REFUSED@')
          WHERE (SELECT roll_id FROM ballots_poll WHERE id = NEW.poll_id) IS NULL
            AND NEW.elector_id IS NOT NULL;
          SELECT RAISE(ABORT, '@REFUSED@')
          WHERE (SELECT roll_id FROM ballots_poll WHERE id = NEW.poll_id) IS NOT NULL
            AND NOT EXISTS (
              SELECT 1 FROM ballots_elector e JOIN ballots_roll r ON r.id = e.roll_id
                JOIN ballots_poll p ON p.roll_id = e.roll_id
              WHERE p.id = NEW.poll_id AND p.state = 'open' AND e.id = NEW.elector_id
                AND e.weight = NEW.weight
                AND (NEW.voter_id = e.user_id OR NEW.voter_id = e.proxy_id)
                AND (r.presence_required = 0 OR e.present = 1));
        END;""".replace("@REFUSED@", REFUSED),
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS ballots_vote_roll_guard;"]


def install(apps, schema_editor):
    schema_sql_run(schema_editor, postgresql=POSTGRES_UP, sqlite=SQLITE_UP)


def remove(apps, schema_editor):
    schema_sql_run(schema_editor, postgresql=POSTGRES_DOWN, sqlite=SQLITE_DOWN)


def sqlite_guard_restore(apps, schema_editor):
    """Put the trigger back after a migration rebuilt ``ballots_vote`` on SQLite."""
    schema_sql_run(schema_editor, sqlite=SQLITE_UP)

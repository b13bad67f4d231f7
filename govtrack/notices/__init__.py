"""The outbox: e-mail notices queued in the database in the transaction of the change that causes
them, and sent later by `flask notices send` (cron), so a change never waits for, or is lost with,
the mail server."""

"""Scheduled streams, shared by serve (API, feed, reminders), chat (the pre-event window) and
the CLI: ``recurrence`` parses and expands RFC 5545 rules, ``occurrences`` combines rules with
stored edits, ``edits`` applies the admin's changes, ``ics`` writes the iCalendar feed."""

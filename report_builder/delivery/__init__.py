"""Delivery of the written pack: email on the meeting's cadence, exactly once per meeting.

schedule (is a meeting due?) -> sendlog (what was sent, and a lock) -> message (the email) ->
smtp (the server) ; send.py runs them in that order. The [email] table they are given is read
and checked with the rest of the config (config/email.py).
"""

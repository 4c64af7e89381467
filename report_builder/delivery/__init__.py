"""Delivery of the written pack: email on the meeting's cadence, exactly once per meeting.

settings (the [email] table) -> schedule (is a meeting due?) -> sendlog (what was sent, and a
lock) -> message (the email) -> smtp (the server) ; send.py runs them in that order.

This package imports nothing at import time, so config.py can import delivery.settings.
"""

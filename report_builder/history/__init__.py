"""The history store: a snapshot of the deals of every meeting pack built, for pipeline movement."""

"""A pair's sessions (the Meeting model), their check-ins and calendars (issue 10).

The package is `meetings` because `upward.sessions` is the signed-cookie session interface;
its blueprint, URLs and templates still say "sessions", as people do.
"""

"""The form on an invitation page: create an account and accept in one step."""

from __future__ import annotations

from upward.auth.forms import RegisterForm


class JoinForm(RegisterForm):
    """Registration without the role question: the invitation says what the person joins as."""

    role = None

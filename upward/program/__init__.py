"""Pages for program leads: setting up mentoring pairs."""

"""The pair space: the page both partners share, and sharing filled-in templates in a pair."""

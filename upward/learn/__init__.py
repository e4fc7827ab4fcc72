"""Learning: the home page, pathways, steps and the dashboard."""

"""One search box across steps, templates and resources."""

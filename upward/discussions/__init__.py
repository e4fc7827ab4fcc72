"""Discussion templates: forms built from authored templates, filled in and kept."""

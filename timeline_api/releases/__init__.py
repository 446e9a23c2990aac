"""Dataset releases: every change kept as a revision, any release shown again."""

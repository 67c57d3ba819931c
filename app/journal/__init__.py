"""The case's journal (drafts, signing, tillägg) and its plans (goal, steps, follow-up)."""

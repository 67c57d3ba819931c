"""The case's journal (drafts, signing, tillägg), its plans (goal, steps, follow-up), and
what the printed journal shows."""

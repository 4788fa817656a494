"""Stage 1, sample: subtopics (with a coverage ledger), Big Five personas, contexts, exemplars."""

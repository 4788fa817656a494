"""Stage 7, evaluate: quality, diversity among passing dialogues, realism vs real data, adherence."""

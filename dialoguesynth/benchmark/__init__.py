"""Downstream benchmark (as DiaSynth): fine-tune a summarizer on synthetic vs same-size real data."""

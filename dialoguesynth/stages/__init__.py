"""Stages 3-4 (plan, render) and the subtopic expansion, all on the shape in base.py."""

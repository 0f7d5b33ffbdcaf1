"""Positive controls: fine-tune the model on stereotyped, anti-stereotyped and neutral text and
check that every task moves the right way (``fairbench control``, docs/controls.md)."""

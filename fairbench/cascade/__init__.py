"""Cascading adversarial bias: poison a teacher, distil a student, measure the payload's spread.

``fairbench cascade`` (see ``fairbench.cascade.cli``) runs the experiment; the ``cascade_*``
tasks (``fairbench.cascade.tasks``) measure how often a model's answers carry a payload.
Heavy imports (torch, transformers) live inside the functions of ``experiment`` and ``train``.
"""

from fairbench.cascade.tasks import CASCADE_TASKS, cascade_task, read_cascade_rows

__all__ = ["CASCADE_TASKS", "cascade_task", "read_cascade_rows"]

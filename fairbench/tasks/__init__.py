"""fairbench tasks: caste and religion prompt sets as lm-eval tasks, plus users' own files."""

from fairbench.tasks.registry import AXES, BUILTIN, FORMATS, LANGS, TaskSpec, expand, resolve_tasks

__all__ = ["AXES", "BUILTIN", "FORMATS", "LANGS", "TaskSpec", "expand", "resolve_tasks"]

"""fairbench tasks: caste and religion prompt sets as lm-eval tasks, plus users' own files.

The registry's names (``from fairbench.tasks import resolve_tasks``) load it when first used, not
when the package is imported: every ``fairbench.tasks.*`` import runs this file first, and the
registry imports the formats and the cascade tasks, which import ``fairbench.tasks.spec`` and
``fairbench.tasks.datafile`` back.
"""

__all__ = ["AXES", "BUILTIN", "FORMATS", "LANGS", "TaskSpec", "expand", "resolve_tasks"]


def __getattr__(name: str):
    if name in __all__:
        from fairbench.tasks import registry

        return getattr(registry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

"""fairbench's modules import one way: no module imports, even lazily inside a function, a
module that imports it back. A new cycle fails here with the modules on it."""

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "fairbench"


def modules(pkg: Path = PKG) -> dict[str, Path]:
    out = {}
    for p in pkg.rglob("*.py"):
        parts = list(p.relative_to(pkg.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def _type_checking_only(node: ast.AST, parents: dict) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def _packages_above(name: str) -> list[str]:
    """``a.b.c`` -> ``["a.b", "a"]``: the packages whose ``__init__`` importing ``a.b.c`` runs first."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]


def _in_module_getattr(node: ast.AST, parents: dict, tree: ast.Module) -> bool:
    """Inside a module-level ``__getattr__`` (PEP 562): it runs when a name of the module is
    first used, not when the module is imported."""
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef) and node.name == "__getattr__" and parents.get(node) is tree:
            return True
    return False


def import_graph(pkg: Path = PKG) -> dict[str, set[str]]:
    """Module -> the modules it imports, lazily or not. Importing ``a.b.c`` also imports the
    ``__init__`` of ``a.b`` and of ``a`` (Python runs them first), so those count too, except
    the packages the importing module itself sits in: they ran before it did. What a module's
    ``__getattr__`` imports counts for the modules that import a name from it by name
    (``from a.b import name``, ``import a.b``), not for the ones that only pass through it."""
    mods = modules(pkg)
    root = pkg.name

    def resolve(name: str) -> str | None:
        if name == root or name.startswith(f"{root}.data"):  # the package root; the data folder
            return None
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    direct: dict[str, set[str]] = {m: set() for m in mods}  # modules named by an import
    lazy: dict[str, set[str]] = {m: set() for m in mods}  # what each module's __getattr__ imports
    for m, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(root):
                targets = [resolve(f"{node.module}.{a.name}") or resolve(node.module) for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [resolve(a.name) for a in node.names if a.name.startswith(root)]
            else:
                continue
            if _type_checking_only(node, parents):
                continue
            (lazy if _in_module_getattr(node, parents, tree) else direct)[m].update(filter(None, targets))
    graph = {m: set() for m in mods}
    for m in mods:
        own = {m, *_packages_above(m)}
        for t in direct[m]:
            reached = {t, *_packages_above(t)} | {x for u in lazy[t] for x in (u, *_packages_above(u))}
            graph[m].update(x for x in reached if x in mods and x not in own)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_checker_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_checker_sees_a_cycle_through_a_package_init(tmp_path):
    # toy.tasks.__init__ imports toy.tasks.registry, which lazily imports toy.cascade.tasks, which
    # imports toy.tasks.spec: that runs toy/tasks/__init__.py first, so the three form a cycle
    # although no module imports another that imports it back by name
    files = {
        "__init__.py": "",
        "tasks/__init__.py": "from toy.tasks.registry import resolve\n",
        "tasks/registry.py": "def resolve():\n    from toy.cascade.tasks import CASCADE\n    return CASCADE\n",
        "tasks/spec.py": "class Spec:\n    pass\n",
        "cascade/__init__.py": "",
        "cascade/tasks.py": "from toy.tasks.spec import Spec\n\nCASCADE = [Spec()]\n",
        "a/__init__.py": "", "a/b/__init__.py": "", "a/b/c.py": "",
        "z.py": "import toy.a.b.c\n",
        # a package that re-exports lazily: only importing one of its names loads the target
        "lazy/__init__.py": "def __getattr__(name):\n    from toy.lazy import impl\n    return getattr(impl, name)\n",
        "lazy/impl.py": "from toy.lazy.util import f\n\ng = f\n",
        "lazy/util.py": "def f():\n    pass\n",
        "user.py": "from toy.lazy import g\n",
    }
    for name, text in files.items():
        (tmp_path / "toy" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "toy" / name).write_text(text)
    graph = import_graph(tmp_path / "toy")
    assert graph["toy.cascade.tasks"] == {"toy.tasks.spec", "toy.tasks"}
    assert graph["toy.tasks.registry"] == {"toy.cascade.tasks", "toy.cascade"}  # not its own toy.tasks
    assert graph["toy.z"] == {"toy.a.b.c", "toy.a.b", "toy.a"}  # a.b's __init__ and a's
    assert graph["toy.lazy"] == set() and graph["toy.lazy.impl"] == {"toy.lazy.util"}  # no cycle through toy.lazy
    assert graph["toy.user"] == {"toy.lazy", "toy.lazy.impl"}
    assert cycles(graph) == [["toy.cascade.tasks", "toy.tasks", "toy.tasks.registry"]]


def test_no_import_cycles():
    graph = import_graph()
    assert "fairbench.runner" in graph and graph["fairbench.cli"]  # the scan sees the package
    assert cycles(graph) == []

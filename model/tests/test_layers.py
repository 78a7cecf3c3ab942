# SPDX-License-Identifier: Apache-2.0
"""Dependencies point down the chain: the profile is data, stages never import tools.

Read from the sources (every import, also those inside functions, which a circle hides
behind), not from the loaded modules.
"""
import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "model/physec"
# Built on the stages: the CLI, the vector and capture tools, generators, benchmarks.
TOOLS = {"cli", "bench", "vectors", "vectorset", "scenario", "hexio", "pcapio", "progress", "regmap",
         "profile_pkg", "trafficstream"}
# The one circle left, between two tools (vectorset writes scenario sets, scenario
# builds on vectorset's writers); it does not reach a stage.
TOOL_CIRCLE = {("vectorset", "scenario"), ("scenario", "vectorset")}


def imports(src: str, name: str) -> set[str]:
    deps = set()
    for n in ast.walk(ast.parse(src)):
        if isinstance(n, ast.ImportFrom) and n.level == 1:
            deps |= {n.module.split(".")[0]} if n.module else {a.name for a in n.names}
        elif isinstance(n, ast.ImportFrom) and (n.module or "").startswith("physec."):
            deps.add(n.module.split(".")[1])
        elif isinstance(n, ast.Import):
            deps |= {a.name.split(".")[1] for a in n.names if a.name.startswith("physec.")}
    return deps - {name, "__version__"}


def circle(graph: dict[str, set[str]]) -> list[str] | None:
    """An import circle (module names, first repeated at the end), or None."""
    edges = {(m, d) for m, ds in graph.items() for d in ds if d in graph} - TOOL_CIRCLE
    state: dict[str, int] = {}

    def visit(m: str, path: list[str]) -> list[str] | None:
        state[m] = 1
        for b in sorted(d for a, d in edges if a == m):
            if state.get(b) == 1:
                return path + [m, b]
            if b not in state and (c := visit(b, path + [m])):
                return c
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (c := visit(m, [])):
            return c
    return None


GRAPH = {f.stem: imports(f.read_text(), f.stem) for f in PKG.glob("*.py")}


def test_every_module_is_classified():
    assert TOOLS <= GRAPH.keys(), f"TOOLS names missing modules: {TOOLS - GRAPH.keys()}"


def test_the_profile_imports_no_stage():
    assert GRAPH["profile"] == set(), f"profile imports {GRAPH['profile']}: a profile is data"


def test_stages_never_import_tools():
    bad = {(m, d) for m, ds in GRAPH.items() if m not in TOOLS for d in ds if d in TOOLS}
    assert not bad, f"stage -> tool imports: {sorted(bad)}"


def test_no_import_circle():
    assert circle(GRAPH) is None, f"import circle: {' -> '.join(circle(GRAPH))}"


def test_a_circle_behind_a_function_import_is_seen():
    """The old profile -> frame import, inside to_sv_package, made a circle."""
    src = (PKG / "profile.py").read_text() + "\n\ndef f():\n    from .frame import OH_JC\n"
    g = dict(GRAPH, profile=imports(src, "profile"))
    assert g["profile"] == {"frame"}
    assert circle(g) is not None and "profile" in circle(g)

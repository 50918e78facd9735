"""Read generated files the way the trainers do, for test/hostile/emit.test.ts.

Jobs come as a JSON list on stdin; one JSON result per job is printed, in order:
  {"kind": "yaml", "file": f}      PyYAML safe_load (YAML 1.1, what the trainers use) -> {"value": ...}
  {"kind": "toml", "file": f}      tomllib (Python 3.11+) -> {"value": ...}
  {"kind": "pyconfig", "file": f}  nanoGPT's config: every statement must be `name = <literal>`; then the
                                   file is exec'd as nanoGPT's configurator does -> {"value": {name: value}}
  {"kind": "pysyntax", "file": f}  compiles (the Ray script) -> {"value": true}
  {"kind": "shlex", "text": t}     shlex.split, POSIX shell words -> {"value": [...]}
A module that is missing gives {"skipped": "..."}; a file that fails gives {"error": "..."}.
"""
import ast
import json
import shlex
import sys

try:
    import yaml  # PyYAML
except ImportError:  # pragma: no cover
    yaml = None
try:
    import tomllib
except ImportError:  # pragma: no cover
    tomllib = None


def literal(node):
    try:
        ast.literal_eval(node)
        return True
    except Exception:
        return False


def run(job):
    kind = job["kind"]
    if kind == "shlex":
        return {"value": shlex.split(job["text"])}
    with open(job["file"], "r", encoding="utf-8") as f:
        text = f.read()
    if kind == "yaml":
        if yaml is None:
            return {"skipped": "PyYAML is not installed"}
        # libyaml's loader when present (the same YAML 1.1 safe loader, faster)
        return {"value": yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))}
    if kind == "toml":
        if tomllib is None:
            return {"skipped": "tomllib needs Python 3.11"}
        return {"value": tomllib.loads(text)}
    if kind == "pyconfig":
        tree = ast.parse(text)
        for stmt in tree.body:
            ok = isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and literal(stmt.value)
            if not ok:
                return {"error": "not an assignment of a literal: " + ast.dump(stmt)[:200]}
        namespace = {}
        exec(compile(text, job["file"], "exec"), namespace)  # what nanoGPT's configurator.py does
        return {"value": {k: v for k, v in namespace.items() if k != "__builtins__"}}
    if kind == "pysyntax":
        compile(text, job["file"], "exec")
        return {"value": True}
    return {"error": "unknown job " + kind}


def main():
    out = []
    for job in json.load(sys.stdin):
        try:
            out.append(json.loads(json.dumps(run(job))))
        except Exception as e:  # a file that does not parse is a result, not a crash
            out.append({"error": type(e).__name__ + ": " + str(e)[:300]})
    json.dump(out, sys.stdout)


main()

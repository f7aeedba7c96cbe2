"""Build a model for a target: generated C + firmware sources + a standalone Makefile, compiled.

`build_project(model, target, out_dir, force)` → `Build` (the finished directory read back); a target is
named (`edgeq.targets.resolve(name).recipe()` gives its `BuildTarget`) or given as a `BuildTarget`; an earlier
build is read back with `read_build`. `build_program` builds a program without a model the same way.
"""
from edgeq.build.project import MANIFEST, assemble_program, assemble_sources, build_program, build_project
from edgeq.build.manifest import Build, LinkedMemory, read_build
from edgeq.build.target import HOST, BuildTarget, PostLink

__all__ = ["HOST", "MANIFEST", "BuildTarget", "PostLink", "assemble_program", "assemble_sources", "build_program",
           "build_project", "Build", "LinkedMemory", "read_build"]

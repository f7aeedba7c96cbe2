"""Build a model for a target: generated C + firmware sources + a standalone Makefile, compiled.

`build_project(model, target, out_dir, force)` → `BuildResult`; targets are data (`BuildTarget`), named
by `edgeq.targets.build.resolve_target(name)`; an earlier build is read back as a `Build` (`read_build`).
"""
from edgeq.build.project import MANIFEST, BuildResult, assemble_sources, build_project
from edgeq.build.manifest import Build, read_build
from edgeq.build.target import HOST, BuildTarget, PostLink

__all__ = ["HOST", "MANIFEST", "BuildResult", "BuildTarget", "PostLink", "assemble_sources", "build_project",
           "Build", "read_build"]

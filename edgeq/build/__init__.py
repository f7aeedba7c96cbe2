"""Build a model for a target: generated C + firmware sources + a standalone Makefile, compiled.

`build_project(model, target, out_dir, force)` → `BuildResult`; targets are data (`BuildTarget`) found by
`resolve_target(name)` through provider modules (see `edgeq.build.target`).
"""
from edgeq.build.project import MANIFEST, BuildResult, assemble_sources, build_project, read_manifest
from edgeq.build.target import HOST, BuildTarget, PostLink, resolve_target

__all__ = ["HOST", "MANIFEST", "BuildResult", "BuildTarget", "PostLink", "assemble_sources", "build_project",
           "read_manifest", "resolve_target"]

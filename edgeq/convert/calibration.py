"""Calibration and labelled data: load, validate against the model's input, describe (pure numpy + Pillow).

Sources: a `.npy` array, a `.npz` archive (key `x`, or its only array), a directory of images (resized to the
model input and scaled to `--input-range`, default [0, 1]), or `synthetic`: data-free calibration from
generated inputs inside a declared input range. Every failure is an `EdgeqError` naming the file and the
problem, since a bad calibration set otherwise surfaces as a silently wrong model.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edgeq.errors import EdgeqError
from edgeq.sanity import require_finite, require_magnitude

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".pgm", ".ppm", ".tif", ".tiff", ".webp")


@dataclass(frozen=True)
class Calibration:
    samples: np.ndarray  # float32, shape (N, *input_shape)
    kind: str  # "npy" | "npz" | "images" | "synthetic"
    source: str  # human-readable origin, recorded in provenance

    @property
    def count(self) -> int:
        return int(self.samples.shape[0])


@dataclass(frozen=True)
class Labelled:
    x: np.ndarray
    y: np.ndarray
    source: str


def _load_array_file(path: Path, key: str = "x") -> np.ndarray:
    try:
        if path.suffix == ".npy":
            return np.load(path, allow_pickle=False)
        if path.suffix == ".npz":
            with np.load(path, allow_pickle=False) as archive:
                if key in archive.files:
                    return archive[key]
                if len(archive.files) == 1:
                    return archive[archive.files[0]]
                raise EdgeqError(
                    f"{path} holds arrays {archive.files} but no '{key}'",
                    f"store the inputs under the key '{key}' (np.savez(path, {key}=...))",
                )
    except EdgeqError:
        raise
    except Exception as err:  # numpy raises several types for truncated/garbage files
        raise EdgeqError(f"cannot read {path}: {err}", "pass a file written by numpy.save / numpy.savez") from err
    raise EdgeqError(f"unsupported data file {path}", "use .npy, .npz or a directory of images")


def check_inputs(x: np.ndarray, input_shape: tuple[int, ...], what: str) -> np.ndarray:
    """Validate samples for a model whose single input is `input_shape` (without batch); return float32."""
    if x.dtype.kind not in "fiu":
        raise EdgeqError(
            f"{what} has dtype {x.dtype}; numeric data is required",
            "store the samples as float32 (or integers) in the model's input scale",
        )
    if x.ndim == len(input_shape):  # a single sample without batch axis
        x = x[None]
    if tuple(x.shape[1:]) != tuple(input_shape):
        raise EdgeqError(
            f"{what} has samples of shape {tuple(x.shape[1:])}, the model expects {tuple(input_shape)}",
            f"reshape to (N, {', '.join(map(str, input_shape))})",
        )
    if x.shape[0] == 0:
        raise EdgeqError(f"{what} holds no samples", "give at least one sample (a few hundred calibrate well)")
    require_finite(x, what)
    require_magnitude(x, what)  # before float32: int64 1e18 or float64 1e300 must be refused, not rounded
    return x.astype(np.float32)


def synthetic(input_shape: tuple[int, ...], count: int, input_range: tuple[float, float], seed: int = 0) -> np.ndarray:
    """Data-free calibration inputs covering `input_range`.

    Uniform noise alone under-represents the smooth, correlated structure of real images and signals, so half
    the samples are noise smoothed along every non-channel axis (a 3-tap box filter applied repeatedly), then
    stretched back to the full range; the other half are uniform noise. Both keep every value inside the range.
    """
    rng = np.random.default_rng(seed)
    lo, hi = input_range
    noise = rng.uniform(0.0, 1.0, size=(count, *input_shape))
    smooth = rng.uniform(0.0, 1.0, size=(count, *input_shape))
    axes = range(1, smooth.ndim - 1) if smooth.ndim > 2 else range(1, smooth.ndim)
    for axis in axes:
        for _ in range(2):
            smooth = (np.roll(smooth, 1, axis) + smooth + np.roll(smooth, -1, axis)) / 3.0
    flat = smooth.reshape(count, -1)
    mn, mx = flat.min(axis=1, keepdims=True), flat.max(axis=1, keepdims=True)
    smooth = ((flat - mn) / np.maximum(mx - mn, 1e-12)).reshape(smooth.shape)
    data = np.where((np.arange(count) % 2 == 0).reshape(-1, *[1] * len(input_shape)), smooth, noise)
    return (lo + data * (hi - lo)).astype(np.float32)


def _load_images(directory: Path, input_shape: tuple[int, ...], input_range: tuple[float, float]) -> np.ndarray:
    from PIL import Image, UnidentifiedImageError

    if len(input_shape) != 3 or input_shape[-1] not in (1, 3):
        raise EdgeqError(
            f"an image directory needs a model input of shape (H, W, 1|3), this model takes {input_shape}",
            "pass calibration data as .npy/.npz instead",
        )
    height, width, channels = input_shape
    files = sorted(p for p in directory.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise EdgeqError(f"no images in {directory}", f"put image files ({', '.join(IMAGE_SUFFIXES)}) there")
    lo, hi = input_range
    images = []
    for path in files:
        try:
            with Image.open(path) as img:
                img = img.convert("L" if channels == 1 else "RGB").resize((width, height), Image.BILINEAR)
                arr = np.asarray(img, dtype=np.float32)
        except (UnidentifiedImageError, OSError) as err:
            raise EdgeqError(f"cannot read image {path}: {err}", "remove or replace the file") from err
        images.append(arr.reshape(height, width, channels))
    return lo + np.stack(images) / 255.0 * (hi - lo)


def load_calibration(
    spec: str,
    input_shape: tuple[int, ...],
    count: int,
    input_range: tuple[float, float] | None = None,
    seed: int = 0,
) -> Calibration:
    """Load up to `count` validated samples from `spec` (path or "synthetic")."""
    if spec == "synthetic":
        if input_range is None:
            raise EdgeqError("synthetic calibration needs --input-range LO,HI", "e.g. --input-range 0,1")
        bounds = np.asarray(input_range, dtype=np.float64)
        require_finite(bounds, f"--input-range {input_range[0]:g},{input_range[1]:g}")
        require_magnitude(bounds, f"--input-range {input_range[0]:g},{input_range[1]:g}")
        x = synthetic(input_shape, count, input_range, seed)
        return Calibration(x, "synthetic", f"synthetic: {count} generated inputs in [{input_range[0]:g}, {input_range[1]:g}]")
    path = Path(spec)
    if not path.exists():
        raise EdgeqError(f"calibration data not found: {path}", "check the path")
    if path.is_dir():
        rng = input_range or (0.0, 1.0)
        x = check_inputs(_load_images(path, input_shape, rng), input_shape, f"images in {path}")[:count]
        return Calibration(x, "images", f"images: {path} ({len(x)} resized to {input_shape[0]}x{input_shape[1]}, scaled to [{rng[0]:g}, {rng[1]:g}])")
    x = check_inputs(_load_array_file(path), input_shape, f"calibration data {path}")[:count]
    return Calibration(x, path.suffix.lstrip("."), f"{path.suffix.lstrip('.')}: {path} ({len(x)} samples)")


def load_labelled(path: str | Path, input_shape: tuple[int, ...], what: str) -> Labelled:
    """A labelled set `npz` with `x` (inputs) and `y` (class ids, one-hot rows, or regression targets)."""
    path = Path(path)
    if not path.is_file():
        raise EdgeqError(f"{what} not found: {path}", "pass an .npz file with arrays x and y")
    if path.suffix != ".npz":
        raise EdgeqError(f"{what} must be an .npz file with arrays x and y, got {path}", "np.savez(path, x=..., y=...)")
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = [k for k in ("x", "y") if k not in archive.files]
            if missing:
                raise EdgeqError(f"{what} {path} lacks array(s) {missing} (has {archive.files})", "np.savez(path, x=inputs, y=labels)")
            x, y = archive["x"], archive["y"]
    except EdgeqError:
        raise
    except Exception as err:
        raise EdgeqError(f"cannot read {what} {path}: {err}", "pass a file written by numpy.savez") from err
    x = check_inputs(x, input_shape, f"{what} {path}")
    if len(y) != len(x):
        raise EdgeqError(f"{what} {path}: {len(x)} inputs but {len(y)} labels", "x and y need one row per sample")
    if y.dtype.kind not in "fiub":
        raise EdgeqError(f"{what} {path}: labels have dtype {y.dtype}", "labels must be numeric")
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        raise EdgeqError(f"{what} {path}: labels contain NaN/Inf", "clean the labels")
    return Labelled(x, y, str(path))

"""Face detection and 128-d embeddings with dlib's ResNet model, called directly.

The model files ship inside the ``face-recognition-models`` package and are found with
``importlib.util.find_spec`` (its ``__init__`` needs ``pkg_resources``; we never import it).
Only the 5-point landmark model is used: the 68-point one carries a non-commercial licence.
The ``face_recognition`` wrapper is not a dependency (it pulls the dlib sdist). Models load
lazily, once per process. Distances are Euclidean, as dlib's model was trained for them.

Liveness detection is out of scope: :func:`liveness_check` is the hook. It calls the callable
named by ``settings.MOTCUA_FACE_LIVENESS_CHECK`` (``image -> bool``) when one is configured and
otherwise reports ``"not_checked"``, which is recorded with every enrolment and match.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from PIL import Image

from motcua.identity.exceptions import IdentityErrorCode, ImageError
from motcua.identity.images import image_load

MODEL_NAME = "dlib_face_recognition_resnet_model_v1"
MODEL_VERSION = "dlib-20/frm-0.3.0"
DIMENSIONS = 128
FACE_MAX_SIDE = 1024  # detection cost grows with pixels; faces at the counter are large
SMALL_IMAGE_SIDE = 640  # below this, upsample once if nothing was found

Vector = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Face:
    box: tuple[int, int, int, int]  # left, top, right, bottom
    vector: Vector

    @property
    def area(self) -> int:
        left, top, right, bottom = self.box
        return max(0, right - left) * max(0, bottom - top)


class _Models:
    def __init__(self, directory: Path) -> None:
        import dlib

        self.detector = dlib.get_frontal_face_detector()
        self.shape = dlib.shape_predictor(str(directory / "shape_predictor_5_face_landmarks.dat"))
        self.encoder = dlib.face_recognition_model_v1(str(directory / f"{MODEL_NAME}.dat"))


_lock = threading.Lock()


@cache
def _models() -> _Models:
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or spec.origin is None:  # pragma: no cover - the package is a dependency
        raise RuntimeError("face-recognition-models is not installed")
    return _Models(Path(spec.origin).parent / "models")


def faces_find(image: Image.Image) -> list[Face]:
    """Every face in the image with its embedding, largest first."""
    models = _models()
    pixels = np.asarray(image.convert("RGB"))
    with _lock:  # dlib objects are not documented as thread-safe
        boxes = models.detector(pixels, 0)
        if len(boxes) == 0 and max(image.size) <= SMALL_IMAGE_SIDE:
            boxes = models.detector(pixels, 1)
        found = []
        for box in boxes:
            shape = models.shape(pixels, box)
            vector = np.asarray(models.encoder.compute_face_descriptor(pixels, shape), dtype=np.float32)
            found.append(Face(box=(box.left(), box.top(), box.right(), box.bottom()), vector=vector))
    return sorted(found, key=lambda f: f.area, reverse=True)


def face_encode(data: bytes, *, policy: Literal["single", "largest"] = "largest") -> Vector:
    """The embedding of the face in an uploaded photo.

    ``single`` refuses photos with several faces (enrolment: we must know whose face it is);
    ``largest`` takes the largest face (a counter frame with someone behind the citizen).
    """
    image = image_load(data, max_side=FACE_MAX_SIDE)
    return face_encode_image(image, policy=policy)


def face_encode_image(image: Image.Image, *, policy: Literal["single", "largest"] = "largest") -> Vector:
    faces = faces_find(image)
    if not faces:
        raise ImageError(
            IdentityErrorCode.FACE_NONE,
            _("No face was found. Face the camera in good light, without a hat or dark glasses."),
        )
    if policy == "single" and len(faces) > 1:
        raise ImageError(
            IdentityErrorCode.FACE_MANY,
            _("%(count)s faces are in the photo; only the citizen may be in it.") % {"count": len(faces)},
        )
    return faces[0].vector


def face_distance(a: Vector, b: Vector) -> float:
    return float(np.linalg.norm(np.asarray(a, dtype=np.float32) - np.asarray(b, dtype=np.float32)))


def face_threshold() -> float:
    return float(settings.MOTCUA_FACE_THRESHOLD)


def liveness_check(image_data: bytes) -> str:
    """``"passed"`` or ``"not_checked"``; raises ``ImageError`` when a configured check fails."""
    path = getattr(settings, "MOTCUA_FACE_LIVENESS_CHECK", "")
    if not path:
        return "not_checked"
    check: Any = import_string(path)
    if not check(image_data):
        raise ImageError(IdentityErrorCode.FACE_LIVENESS, _("The photo did not pass the liveness check. Take it again."))
    return "passed"

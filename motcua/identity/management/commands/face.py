"""``motcua face …``: compare, enrol, identify, rebuild-index, purge-expired, calibrate."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.exceptions import DomainError
from motcua.identity.choices import AccessPurpose, ConsentPurpose, FaceSource
from motcua.identity.face import MODEL_NAME, face_distance, face_encode, face_threshold
from motcua.identity.models import Citizen


def compare_files(a: str, b: str, *, threshold: float, cache: dict[str, Any]) -> dict[str, Any]:
    """One JSON-ready comparison; an unreadable image gives an ``error`` entry, not an exception."""
    result: dict[str, Any] = {"a": a, "b": b}
    try:
        vectors = []
        for path in (a, b):
            if path not in cache:
                cache[path] = face_encode(Path(path).read_bytes())
            vectors.append(cache[path])
    except DomainError as exc:
        result["error"] = exc.as_dict()
        return result
    except OSError as exc:
        result["error"] = {"code": "file_unreadable", "message": exc.strerror or str(exc)}
        return result
    distance = face_distance(vectors[0], vectors[1])
    result.update(distance=round(distance, 4), threshold=threshold, same=distance < threshold, model=MODEL_NAME)
    return result


class Command(BaseCommand):
    help = "Face recognition tools (dlib ResNet, offline, CPU)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        compare = sub.add_parser("compare", help="Distance and same/different decision for two images (or --pairs).")
        compare.add_argument("images", nargs="*", help="IMG_A IMG_B")
        compare.add_argument("--pairs", help="CSV with columns a,b: one JSON line per pair")
        compare.add_argument("--threshold", type=float, help="override MOTCUA_FACE_THRESHOLD")

        enrol = sub.add_parser("enrol", help="Store a face template for a citizen (who has consented).")
        enrol.add_argument("image")
        enrol.add_argument("--personal-id", required=True)
        enrol.add_argument("--user", required=True, help="the staff member doing it (their roles and unit apply)")
        enrol.add_argument("--consent", default=ConsentPurpose.FACE_IDENTIFICATION.value, choices=ConsentPurpose.values)
        enrol.add_argument("--source", default=FaceSource.UPLOAD.value, choices=FaceSource.values)

        identify = sub.add_parser("identify", help="Which enrolled citizen is this? (1:N, scoped, logged)")
        identify.add_argument("image")
        identify.add_argument("--user", required=True)
        identify.add_argument("--purpose", default=AccessPurpose.COUNTER_INTAKE.value, choices=AccessPurpose.values)
        identify.add_argument("--dossier", default="")

        rebuild = sub.add_parser("rebuild_index", aliases=["rebuild-index"], help="Rebuild the face index from the database.")
        rebuild.add_argument("--unit", action="append", default=[], help="unit code (repeatable); default: all")

        sub.add_parser("purge_expired", aliases=["purge-expired"], help="Delete templates past the retention period.")

        calibrate = sub.add_parser("calibrate", help="ROC and threshold on a labelled set; writes Markdown and SVG.")
        calibrate.add_argument("--data", default=str(Path(settings.BASE_DIR).parent / "shared" / "data" / "faces"))
        calibrate.add_argument("--out", default=str(Path(settings.BASE_DIR) / "docs"))

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"].replace("-", "_")
        try:
            getattr(self, f"do_{action}")(options)
        except DomainError as exc:
            self.stdout.write(json.dumps({"error": exc.as_dict()}, ensure_ascii=False))
            raise CommandError(str(exc.code), returncode=1) from None

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        return user

    def do_compare(self, options: dict[str, Any]) -> None:
        threshold = options["threshold"] if options["threshold"] is not None else face_threshold()
        cache: dict[str, Any] = {}
        if options["pairs"]:
            with open(options["pairs"], encoding="utf-8", newline="") as fh:
                reader = csv.DictReader(fh)
                if not reader.fieldnames or not {"a", "b"} <= set(reader.fieldnames):
                    raise CommandError("the pairs file needs a header with columns a,b")
                for row in reader:
                    result = compare_files(row["a"], row["b"], threshold=threshold, cache=cache)
                    self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        if len(options["images"]) != 2:
            raise CommandError("give two images (IMG_A IMG_B) or --pairs FILE.csv")
        result = compare_files(*options["images"], threshold=threshold, cache=cache)
        self.stdout.write(json.dumps(result, ensure_ascii=False))
        if "error" in result:
            raise CommandError(result["error"]["code"], returncode=1)

    def do_enrol(self, options: dict[str, Any]) -> None:
        from motcua.identity.services import face_enrol

        citizen = Citizen.objects.filter(personal_id=options["personal_id"]).first()
        if citizen is None:
            raise CommandError("no citizen with this personal ID")
        template = face_enrol(
            actor=self._user(options["user"]),
            citizen=citizen,
            image=Path(options["image"]).read_bytes(),
            consent_purpose=ConsentPurpose(options["consent"]),
            source=FaceSource(options["source"]),
        )
        self.stdout.write(json.dumps({"template": template.pk, "citizen": citizen.ref, "unit": template.unit.code}))

    def do_identify(self, options: dict[str, Any]) -> None:
        from motcua.identity.services import face_identify

        decision = face_identify(
            actor=self._user(options["user"]),
            image=Path(options["image"]).read_bytes(),
            purpose=options["purpose"],
            dossier_ref=options["dossier"],
        )
        match = decision.match
        self.stdout.write(
            json.dumps(
                {
                    "matched": match is not None,
                    "personal_id": match.citizen.personal_id if match else None,
                    "full_name": match.citizen.full_name if match else None,
                    "distance": round(match.distance, 4) if match else None,
                    "threshold": decision.threshold,
                    "scope": decision.scope.value,
                    "liveness": decision.liveness,
                },
                ensure_ascii=False,
            )
        )

    def do_rebuild_index(self, options: dict[str, Any]) -> None:
        from motcua.core.models import AdministrativeUnit
        from motcua.identity.face_search import face_index_rebuild

        unit_ids = None
        if options["unit"]:
            unit_ids = list(
                AdministrativeUnit.objects.filter(code__in=options["unit"], valid_to__isnull=True).values_list("pk", flat=True)
            )
        for code, count, kind in face_index_rebuild(unit_ids=unit_ids):
            self.stdout.write(f"unit {code}: {count} templates ({kind})")

    def do_purge_expired(self, options: dict[str, Any]) -> None:
        from motcua.identity.services import face_templates_purge_expired

        deleted = face_templates_purge_expired()
        self.stdout.write(f"{deleted} face templates past {settings.MOTCUA_FACE_RETENTION_DAYS} days deleted")

    def do_calibrate(self, options: dict[str, Any]) -> None:
        from motcua.identity.calibration import calibrate, calibration_markdown, pair_distances, roc_svg

        data = Path(options["data"])
        if not (data / "pairs.csv").is_file():
            raise CommandError(f"{data} has no pairs.csv (the labelled face set is absent)")
        out = Path(options["out"])
        cal = calibrate(pair_distances(data))
        configured = face_threshold()
        svg_name = "face-calibration.svg"
        (out / svg_name).write_text(roc_svg(cal, configured=configured), encoding="utf-8")
        (out / "face-calibration.md").write_text(
            calibration_markdown(
                cal, configured=configured, data_label="the shared face set (outside this repository)", svg_name=svg_name
            ),
            encoding="utf-8",
        )
        self.stdout.write(
            json.dumps(
                {
                    "threshold_at_far_0.1%": round(cal.threshold_at_target, 4),
                    "tar_at_far_0.1%": round(cal.tar_at_target, 4),
                    "far_resolution": round(cal.far_resolution, 5),
                    "configured": configured,
                }
            )
        )

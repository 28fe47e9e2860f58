"""Enums of the registry framework (labels translated)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    VALIDATING = "validating", _("Checking the rows")
    REFUSED = "refused", _("Refused: rows with errors")
    WRITING = "writing", _("Writing the records")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Import failed")


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    IMPORT_CREATE = "import_create", _("Created by an import")
    IMPORT_UPDATE = "import_update", _("Changed by an import")
    TRANSITION = "transition", _("Status changed")

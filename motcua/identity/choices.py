"""Enumerations of the identity app, with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class AddressKind(models.TextChoices):
    PERMANENT = "permanent", _("Permanent residence")
    CURRENT = "current", _("Current residence")


class AccessPurpose(models.TextChoices):
    """Why a staff member reads a citizen's data. Every read and every face match names one."""

    COUNTER_INTAKE = "counter_intake", _("Receiving a dossier at the counter")
    INTAKE_ANY_PLACE = "intake_any_place", _("Receiving a dossier from a resident of another commune of the province")
    DOSSIER_PROCESSING = "dossier_processing", _("Processing the citizen's dossier")
    DATA_CORRECTION = "data_correction", _("Correcting the citizen's record")
    CITIZEN_REQUEST = "citizen_request", _("The citizen's own request (copy or erasure of their data)")
    RECORD_MERGE = "record_merge", _("Merging duplicate records")
    REGISTRY_RECORD = "registry_record", _("Keeping a registry record (a vessel's owner, a producer, a business owner)")


class FaceScope(models.TextChoices):
    UNIT = "unit", _("Templates enrolled in my unit")
    PROVINCE = "province", _("Templates enrolled anywhere in my province")


# Purpose limits: which purposes allow a face search, and over which templates.
FACE_SEARCH_SCOPE: dict[AccessPurpose, FaceScope] = {
    AccessPurpose.COUNTER_INTAKE: FaceScope.UNIT,
    AccessPurpose.INTAKE_ANY_PLACE: FaceScope.PROVINCE,
}


class AccessAction(models.TextChoices):
    READ = "read", _("Read the record")
    CARD_SCAN = "card_scan", _("Scanned the ID card and found the record")
    FACE_VERIFY = "face_verify", _("Compared a photo with the stored face template")
    FACE_IDENTIFY = "face_identify", _("Recognised by face")
    FACE_ENROL = "face_enrol", _("Stored a face template")
    EXPORT = "export", _("Exported all data held")
    UPDATE = "update", _("Changed the record")


class ConsentPurpose(models.TextChoices):
    """What the citizen agreed to; a face template belongs to exactly one consent."""

    FACE_VERIFICATION = "face_verification", _("Check my face against my card at the counter (1:1)")
    FACE_IDENTIFICATION = "face_identification", _("Recognise me by face when I come back (1:N)")


class FaceSource(models.TextChoices):
    WEBCAM = "webcam", _("Counter camera")
    CARD_PHOTO = "card_photo", _("Photo on the ID card")
    UPLOAD = "upload", _("Uploaded photo")


class NotifyChannel(models.TextChoices):
    SMS = "sms", _("Text message to my phone")
    EMAIL = "email", _("E-mail")

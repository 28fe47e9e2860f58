"""The pure vessel rules (RULES.md §7.1, §7.2) and the status table."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from motcua.core.exceptions import DomainError
from motcua.registries.vessels import rules
from motcua.registries.vessels.choices import NumberKind, SizeClass, VesselAction, VesselStatus, Zone
from motcua.registries.vessels.workflow import WORKFLOW


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("CM-01234-TS", NumberKind.STANDARD),
        ("cm - 01234 - ts", NumberKind.STANDARD),
        ("BL-91234-TS", NumberKind.LEGACY_BL),
        ("KN-123-VN", NumberKind.GOVERNMENT),
        ("NC-001-CM", NumberKind.GOVERNMENT),
        ("", NumberKind.NONE),
    ],
)
def test_registration_numbers_of_section_7_1_are_recognised(number: str, kind: NumberKind) -> None:
    assert rules.number_kind(number) == kind


@pytest.mark.parametrize("number", ["CM-00000-TS", "CM-1234-TS", "CM-012345-TS", "CM-01234-XX", "CMXX-01234-TS", "KN-12-VN"])
def test_malformed_numbers_are_refused_per_section_7_1(number: str) -> None:
    with pytest.raises(rules.NumberError):
        rules.number_kind(number)


@pytest.mark.parametrize(
    ("length", "size", "inspection", "vms", "zone"),
    [
        ("5.99", SizeClass.UNDER_6, False, False, Zone.COASTAL),
        ("6", SizeClass.FROM_6, False, False, Zone.COASTAL),
        ("11.99", SizeClass.FROM_6, False, False, Zone.COASTAL),
        ("12", SizeClass.FROM_12, True, False, Zone.INSHORE),
        ("15", SizeClass.FROM_15, True, True, Zone.OFFSHORE),
        ("24", SizeClass.FROM_24, True, True, Zone.OFFSHORE),
    ],
)
def test_size_class_and_its_needs_follow_the_section_7_2_table(
    length: str, size: SizeClass, inspection: bool, vms: bool, zone: Zone
) -> None:
    found = rules.size_class(Decimal(length))
    needs = rules.NEEDS[found]

    assert (found, needs.inspection, needs.vms, needs.zone) == (size, inspection, vms, zone)
    assert needs.registration == (Decimal(length) >= 6)


def test_expiry_warnings_fall_in_the_30_60_90_day_bands() -> None:
    today = date(2026, 12, 8)

    bands = [rules.expiry_warning(today + timedelta(days=d), today) for d in (-1, 0, 30, 31, 60, 90, 91)]

    assert bands == [0, 30, 30, 60, 60, 90, None]


def test_the_high_risk_thresholds_of_section_7_2() -> None:
    today, now = date(2026, 12, 8), datetime(2026, 12, 8, 12, tzinfo=UTC)

    assert not rules.licence_expired_long(today - timedelta(days=9), today)
    assert rules.licence_expired_long(today - timedelta(days=10), today)
    assert not rules.vms_silent(now - timedelta(hours=5, minutes=59), now)
    assert rules.vms_silent(now - timedelta(hours=6), now) and rules.vms_silent(None, now)


def test_every_pair_of_the_status_table() -> None:
    expected = {
        (VesselStatus.ACTIVE, VesselAction.TRANSFER_OUT): VesselStatus.TRANSFERRED,
        (VesselStatus.ACTIVE, VesselAction.DELETE): VesselStatus.DELETED,
        (VesselStatus.TRANSFERRED, VesselAction.RESTORE): VesselStatus.ACTIVE,
        (VesselStatus.DELETED, VesselAction.RESTORE): VesselStatus.ACTIVE,
    }
    for status in VesselStatus:
        for action in VesselAction:
            step = WORKFLOW.transition(status, action)
            if (status, action) in expected:
                assert step is not None and step.target == expected[(status, action)]
            else:
                assert step is None
                with pytest.raises(DomainError):
                    WORKFLOW.guard(status, action)

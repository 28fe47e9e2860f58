from enum import StrEnum


class ReportErrorCode(StrEnum):
    UNIT_NOT_FOUND = "report_unit_not_found"
    UNIT_OUT_OF_SCOPE = "report_unit_out_of_scope"
    FORMAT_UNKNOWN = "report_format_unknown"

# Dates are written dd/mm/yyyy in both languages (Vietnamese convention).
DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "H:i d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
TIME_FORMAT = "H:i"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%H:%M %d/%m/%Y", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

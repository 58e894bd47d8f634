# Django's Italian date-time starts with the weekday ("Domenica 29 Novembre 2026
# 10:00"), which reads wrongly after "il" or "fino al" in running text.
DATETIME_FORMAT = "j F Y, H:i"

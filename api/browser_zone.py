"""The one script the public form runs: it reports the browser's IANA time zone.

The zone lets the internal due date follow the subject's calendar where that day ends first.
The script is inline and allowed by its hash alone, so the page still runs nothing else, and
without JavaScript the form works as before, only without the zone.
"""

from __future__ import annotations

import base64
import hashlib

from markupsafe import Markup

SCRIPT = (
    'document.getElementById("time-zone").value = '
    "Intl.DateTimeFormat().resolvedOptions().timeZone || '';"
)

SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()

# Rendered unescaped: the text is the constant above, never anything a request supplied.
SCRIPT_MARKUP = Markup(SCRIPT)  # noqa: S704

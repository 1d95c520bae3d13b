"""Signed completion records: PDF/A-3b evidence of what was done for one data-subject request.

A record is rendered with WeasyPrint, carries its canonical JSON form as the embedded
file ``completion-record.json`` and is signed with PAdES by pyHanko. ``issue_record``
writes one, and ``verify_record`` checks one and returns the embedded record.
"""

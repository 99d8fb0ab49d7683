"""`statusgen notify`: push what became public since the last run to webhooks, chat and email.

A pure planner (due.py, planner.py) decides what each channel gets from the public view of
the records, the state and the configuration; thin senders (senders.py) deliver; run.py
sequences them so that a killed run loses nothing; the state file is the only other I/O.
"""

"""Many hosts' kbcheck reports (one JSON file per host) merged into one fleet view: merge reads
and merges them, text and html render the merged view. The command is `kbcheck report DIR`
(kbcheck.commands.report).
"""

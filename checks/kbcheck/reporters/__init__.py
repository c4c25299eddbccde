"""Report formats: each turns a run's Report (kbcheck.results.Report) into text.

A format is one module of this package with

    def render(report, options):   # -> str, the whole output
        ...

and one line in FORMATS below, which `kbcheck --format` reads its choices and help from.
`options` is an Options: reporters read what concerns them and ignore the rest. Reporters only
render: the Report already holds the results with their entries and waivers, the summary, the
notices, the judged host (report.host) and the run's times.
"""

# --format NAME, the module of this package that renders it, what it is (for --format's help)
FORMATS = (
    ("text", "text", "text (default)"),
    ("json", "json_report", "json (README: JSON output)"),
    ("junit", "junit", "junit (XML for CI)"),
    ("prometheus", "prometheus", "prometheus (node_exporter textfile collector)"),
)
NAMES = tuple(name for name, _, _ in FORMATS)


class Options(object):
    """How to render. verbose: pass and skip results too; show_fix: the product's fix under each
    failure; terminal: the stream the output goes to when that is standard output (a reporter may
    colour it when it is a terminal), None when it goes to a file."""

    def __init__(self, verbose=False, show_fix=False, terminal=None):
        self.verbose = verbose
        self.show_fix = show_fix
        self.terminal = terminal


def help_text():
    return ", ".join(what for _, _, what in FORMATS)


def render(name, report, options=None):
    """The report in format `name` (one of NAMES)."""
    import sys
    module = "kbcheck.reporters." + dict((n, m) for n, m, _ in FORMATS)[name]
    __import__(module)  # (rather than importlib.import_module: -X importtime shows what it costs)
    return sys.modules[module].render(report, options or Options())

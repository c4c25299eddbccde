"""The `kbcheck` command line: the first word picks the command (kbcheck.commands: explain, fix,
report; anything else is the run itself), the rest are its own arguments. Errors of every command
are one line and an exit code here. Exit codes: 0 no fail and no error; 1 at least one fail;
3 errors but no fail; 4 nothing applies to the host (nothing judged); 2 bad usage or an unusable catalog/input; 130 interrupted (Ctrl-C), 143
terminated (SIGTERM), 129 hung up (SIGHUP): 128 + the signal (kbcheck.interrupts)."""
import sys

from kbcheck.errors import UsageError

EXIT_USAGE = 2
EXIT_INTERRUPT = 130


def python_too_old():
    """The one-line refusal on Python older than 3.6, or None."""
    if sys.version_info < (3, 6):
        return "kbcheck needs Python 3.6 or newer; this is Python %d.%d" % tuple(sys.version_info[:2])
    return None


def parsers(declared=None):
    """Every command's argument parser, by its command line: for the CLI reference and the README test."""
    from kbcheck.commands import explain, fix, report, run
    return [("kbcheck", run.build_parser(declared)), ("kbcheck explain", explain.build_parser()),
            ("kbcheck fix", fix.build_parser(declared)), ("kbcheck report", report.build_parser())]


def _command(argv):
    """(the command's module, its arguments, the name its errors are reported under)."""
    from kbcheck.commands import COMMANDS
    if argv and argv[0] in COMMANDS:
        name = "kbcheck.commands." + argv[0]
        __import__(name)  # (rather than importlib.import_module: -X importtime shows what it costs)
        # `kbcheck report` reports its errors as its own; the others as kbcheck's
        return sys.modules[name], argv[1:], "kbcheck report" if argv[0] == "report" else "kbcheck"
    from kbcheck.commands import run
    return run, argv, "kbcheck"


def main(argv=None):
    old = python_too_old()
    if old:
        sys.stderr.write(old + "\n")
        return EXIT_USAGE
    argv = list(sys.argv[1:] if argv is None else argv)
    prog = "kbcheck"
    from kbcheck import interrupts
    from kbcheck.textsafe import clip, visible
    old = interrupts.install()
    try:
        command, args, prog = _command(argv)
        return command.main(args)
    except UsageError as e:
        sys.stderr.write("%s: %s\n" % (prog, visible(clip(str(e), 2000))))
        return EXIT_USAGE
    except interrupts.Stopped as e:
        sys.stderr.write("%s: %s\n" % (prog, e.what))
        return 128 + e.signum
    except KeyboardInterrupt:
        sys.stderr.write("%s: interrupted\n" % prog)
        return EXIT_INTERRUPT
    except BrokenPipeError:
        return 0
    finally:
        interrupts.restore(old)


def command():
    """What the `kbcheck` command runs (the console script, the bundle, python -m kbcheck): main()
    with the cyclic garbage collector paused, as the runner pauses it for the probes, from the
    start to the exit: a run's objects live until it ends and reference counting frees the rest;
    a collection would only walk them all again (a host with a thousand guests holds some hundred
    thousand parsed XML elements). Then the process ends at once when kbcheck is its program
    (kbcheck.lifetime); else the exit code is returned for sys.exit. Output and exit code are
    the same either way."""
    import gc

    from kbcheck import lifetime, regexpack
    gc.disable()
    regexpack.use_packaged()  # (first: modules compile their patterns as they are imported)
    lifetime.start()
    rc = main()
    freeze = getattr(gc, "freeze", None)  # Python 3.7+
    if freeze is not None:
        freeze()  # (spares the exit's own collections, where the exit is the interpreter's)
    return lifetime.end(rc)

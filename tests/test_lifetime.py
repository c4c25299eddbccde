"""The end of a kbcheck process (kbcheck.lifetime): as the program it exits at once, with every
byte of its output and its exit code; run by another program in that program's own process
(runpy.run_path) or under a tracer, it exits the usual way and that program goes on."""
import os
import subprocess
import sys

from conftest import EXAMPLES

EXAMPLE = os.path.join(EXAMPLES, "sle12-kvm-untuned")


def _in_process(built, *argv):
    from kbcheck.cli import main
    code = main(["--catalog", built["catalog"]] + list(argv))
    return code


def test_the_program_writes_all_its_output_to_a_file_and_its_exit_code(built, tmp_path, capsys):
    want_rc = _in_process(built, "--root", EXAMPLE, "-v", "--format", "json")
    want = capsys.readouterr().out
    out = tmp_path / "out.json"
    with open(str(out), "w") as f:  # a file: block-buffered standard output, flushed before the exit
        rc = subprocess.call([sys.executable, built["pyz"], "--root", EXAMPLE, "-v", "--format", "json"], stdout=f)
    assert rc == want_rc == 1
    got = out.read_text()
    strip = lambda text: [line for line in text.splitlines() if '"started"' not in line and '"ended"' not in line  # noqa: E731
                          and '"seconds"' not in line]
    assert strip(got) == strip(want) and got.endswith("}\n")


def test_a_program_running_the_bundle_in_its_own_process_goes_on(built):
    code = ("import runpy, sys\nsys.argv = [%r, '--root', %r, '--id', 'numa-balancing']\n"
            "try:\n    runpy.run_path(%r, run_name='__main__')\nexcept SystemExit as e:\n"
            "    sys.stdout.write('\\nexit %%s, and the harness goes on\\n' %% e.code)\n" % (built["pyz"], EXAMPLE, built["pyz"]))
    out = subprocess.check_output([sys.executable, "-c", code], universal_newlines=True)
    assert "numa-balancing" in out and out.endswith("\nexit 1, and the harness goes on\n")


def test_under_a_tracer_the_exit_is_the_usual_one(built, tmp_path):
    code = ("import sys, atexit\natexit.register(lambda: sys.stdout.write('atexit ran\\n'))\n"
            "sys.settrace(lambda *a: None)\nsys.path.insert(0, %r)\nsys.argv = ['kbcheck', '--catalog', %r, '--version']\n"
            "from kbcheck.cli import command\nsys.exit(command())\n"
            % (os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "checks"), built["catalog"]))
    p = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE, universal_newlines=True)
    assert p.returncode == 0 and p.stdout.startswith("kbcheck ") and p.stdout.endswith("atexit ran\n")


def test_the_program_skips_the_interpreters_teardown(built):
    """Without a tracer, -c calling command() is the program: atexit hooks (not kbcheck's) do not run."""
    code = ("import sys, atexit\natexit.register(lambda: sys.stdout.write('atexit ran\\n'))\n"
            "sys.path.insert(0, %r)\nsys.argv = ['kbcheck', '--catalog', %r, '--version']\n"
            "from kbcheck.cli import command\nsys.exit(command())\n"
            % (os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "checks"), built["catalog"]))
    p = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE, universal_newlines=True)
    assert p.returncode == 0 and p.stdout.startswith("kbcheck ") and "atexit ran" not in p.stdout

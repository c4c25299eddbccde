"""Sessions: demo (build + run on the example host), tests, lint, kb (fast knowledge-base loop), site.

The README's two commands are `nox -s demo` and `nox -s lint tests`; .ci/run runs the latter.
"""
import os
import nox

nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = False
HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.join("examples", "sle12-kvm-untuned")
# what kbgen.serving.serve_text prints for build/site (tests/test_site_opening.py checks they agree)
SERVE_SITE = ("python3 -m http.server --bind 127.0.0.1 --directory build/site 8000  "
              "(then open http://127.0.0.1:8000/)")
TEST_DEPS = ["pytest>=7", "hypothesis>=6", "jsonschema>=4", "vermin>=1.6", "prometheus-client>=0.17",
             "playwright>=1.40", "ansible-core>=2.15", "ruff>=0.4", "xmlschema>=2"]


def system_deps(session):
    """Install the Debian packages the tests need (libvirt, QEMU, chromium) when running as root."""
    script = os.path.join(HERE, ".ci", "install-system-deps.sh")
    if os.path.exists(script) and hasattr(os, "geteuid") and os.geteuid() == 0:
        session.run("bash", script, external=True)
    elif os.path.exists(script):
        session.log("not root: skipping %s (install its packages yourself)" % script)


def libvirt_pin():
    p = os.path.join(HERE, "tests", "requirements-libvirt.txt")
    if os.path.exists(p):
        with open(p) as f:
            return [line.strip() for line in f if line.strip() and not line.startswith("#")]
    return ["libvirt-python"]


@nox.session
def demo(session):
    """Build the knowledge base (site + bundled runner) and run the runner on the example host."""
    session.install("-q", ".[site]")
    session.run("kbgen", "build")
    session.log("The bundled runner on the example snapshot of an untuned SLE 12 KVM host:")
    session.run("python", os.path.join("build", "kbcheck.pyz"), "--root", EXAMPLE, success_codes=[0, 1, 3])
    session.log("The site: %s (its search needs the web server; `kbgen build --offline` makes a copy that "
                "searches from file:// too)." % SERVE_SITE)
    session.log("On this machine: python3 build/kbcheck.pyz (as root for a full view; --format json for machines).")


@nox.session
def tests(session):
    """The whole test suite (installs the system packages it needs first)."""
    system_deps(session)
    session.install("-q", ".[site]", *TEST_DEPS)
    # libvirt-python compiles against libvirt-dev: without it the live tests skip with a reason
    session.run("python", "-m", "pip", "install", "-q", *libvirt_pin(), success_codes=[0, 1])
    session.run("pytest", "-q", *session.posargs)


@nox.session
def lint(session):
    """ruff over everything; vermin holds the runner to Python 3.6."""
    session.install("-q", "ruff>=0.4", "vermin>=1.6")
    session.run("ruff", "check", "checks", "generator", "tests", *(["benchmarks"] if os.path.isdir("benchmarks") else []),
                "noxfile.py", "setup.py")
    session.run("vermin", "-q", "--no-tips", "--violations", "--eval-annotations", "-t=3.6-", "checks/kbcheck")


@nox.session
def kb(session):
    """Validate kb/ and run every entry's scenarios: the fast loop for contributors."""
    session.install("-q", ".[gen]", "pytest>=7")
    session.run("kbgen", "check")
    session.run("pytest", "-q", "tests/test_scenarios.py", "tests/test_coverage.py", *session.posargs)


@nox.session
def site(session):
    """Build the site strictly into build/site."""
    session.install("-q", ".[site]")
    session.run("kbgen", "build")

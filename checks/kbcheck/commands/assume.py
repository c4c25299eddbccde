"""--assume NAME=VALUE: a fact declared instead of detected. Roles come from detect.ROLES,
products from PRODUCTS, declarations from the catalog (the names its probes read with
host.declared("NAME")); anything else is refused with a suggestion."""
from kbcheck.errors import UsageError

# --assume product=: what kbcheck.parsers.osrelease.product() can detect (sle11 rules for sle11,
# the SLE 12 rules for everything else)
PRODUCTS = ("sle11", "sle12", "sle15", "sle16", "suse-other", "other")
YES = ("yes", "true", "1")
NO = ("no", "false", "0")


def kinds(declarations, guest_lists):
    """{name: "guests" or "yes/no"}: what each declaration of a catalog takes."""
    return dict((n, "guests" if n in guest_lists else "yes/no") for n in declarations)


def assume_help(names=None):
    """The --assume help, built from detect.ROLES, PRODUCTS and the catalog's declarations
    (names: a list of names, or kinds() of them)."""
    from kbcheck.detect import ROLES
    guest_lists = [n for n, k in names.items() if k == "guests"] if isinstance(names, dict) else ()
    yes_no = sorted(n for n in names or () if n not in guest_lists)
    lists = sorted(n for n in names or () if n in guest_lists)
    decl = ("; declarations, NAME=yes|no: %s" % ", ".join(yes_no)) if yes_no else \
        "; NAME=yes|no for a declaration the knowledge base reads (README: Declarations)"
    if lists:
        decl += "; NAME=GUEST[,GUEST...]: %s" % ", ".join(lists)
    return ("declare a fact instead of detecting it (repeatable): role=ROLE[,ROLE...] with ROLE one of %s; "
            "product=one of %s%s" % (", ".join(ROLES), ", ".join(PRODUCTS), decl))


def check_assume(pairs, cat):
    """Validate --assume NAME=VALUE pairs against detect.ROLES, PRODUCTS and the catalog's
    declarations -> {name: value} (declarations as "yes"/"no", guest lists as "a,b"). UsageError (exit 2) naming the
    problem, with a suggestion, for anything else."""
    from kbcheck.detect import ROLES
    from kbcheck.select import _suggest
    decl = cat.declarations  # {name: [entry ids]}: what the catalog's probes read with host.declared
    out = {}
    for name, value in pairs:
        if name == "role":
            roles = [r.strip() for r in value.split(",") if r.strip()]
            if not roles:
                raise UsageError("--assume role= needs a role: %s (comma-separated for several)" % ", ".join(ROLES))
            for r in roles:
                if r not in ROLES:
                    raise UsageError("--assume role=%s: unknown role %r%s; roles: %s" % (
                        value, r, _suggest(r, ROLES), ", ".join(ROLES)))
            out[name] = ",".join(roles)
        elif name == "product":
            if value not in PRODUCTS:
                raise UsageError("--assume product=%s: unknown product%s; products: %s" % (
                    value, _suggest(value, PRODUCTS), ", ".join(PRODUCTS)))
            out[name] = value
        elif name in decl and name in cat.guest_lists:
            guests = [g.strip() for g in value.split(",") if g.strip()]
            if not guests:
                raise UsageError("--assume %s= needs guest names, comma-separated: %s=GUEST[,GUEST...]" % (name, name))
            out[name] = ",".join(guests)
        elif name in decl:
            v = value.lower()
            if v not in YES + NO:
                raise UsageError("--assume %s=%s: a declaration is yes or no (also true/false, 1/0)" % (name, value))
            out[name] = "yes" if v in YES else "no"
        else:
            known = ["role", "product"] + sorted(decl)
            raise UsageError("--assume %s: unknown name%s; known: %s" % (
                name or "''", _suggest(name, known), ", ".join(known)))
    return out

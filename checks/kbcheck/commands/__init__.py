"""The commands of the `kbcheck` command line, one module each, dispatched by kbcheck.cli:

  run      `kbcheck [options]`: judge a host and report (its --list: listing)
  explain  `kbcheck explain ID`: one entry in the terminal
  fix      `kbcheck fix --script FILE`: a fix script for what failed
  report   `kbcheck report DIR`: many hosts' JSON reports merged (kbcheck.fleet)

Each module has build_parser() and main(argv) -> exit code; options.py holds the parser class,
the option types and the options several commands share; assume.py checks --assume.
"""

# the words that name a command when given first; anything else is `kbcheck [options]` (run)
COMMANDS = ("explain", "fix", "report")

"""Numbers in text from a judged host: int() with a bound on digits.

int() of an n-digit string costs time quadratic in n on Python 3.6 (3.7.14 and later refuse
more than 4300 digits): eight megabytes of digits in /proc/meminfo would take minutes. A value
kbcheck reads has at most a few dozen digits.
"""

MAX_DIGITS = 40


def integer(text, base=10):
    """int(text, base) for a text of at most MAX_DIGITS characters (blanks around it aside);
    ValueError otherwise, as int() gives for text that is no number."""
    if len(text) > MAX_DIGITS:  # (int() strips the blanks itself: only a long text needs a look)
        text = text.strip()
        if len(text) > MAX_DIGITS:
            raise ValueError("a number of %d characters" % len(text))
    return int(text, base)

"""One call with the cyclic garbage collector paused: for work that makes many small objects and
no cycles (a run's probes, a report's lines, the generator's loading), where a collection would
only walk the growing heap again and again. The collector is as it was afterwards."""
import gc


def without_collector(fn, *args):
    """fn(*args) with the cyclic collector paused (enabled again after, if it was)."""
    was = gc.isenabled()
    gc.disable()
    try:
        return fn(*args)
    finally:
        if was:
            gc.enable()

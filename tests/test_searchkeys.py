"""kbgen.searchkeys: the settings an entry's fix writes and its probe reads, for the site's search."""
from kbgen.searchkeys import entry_keys, keys_in


def test_sysctl_names_and_parameter_files():
    assert keys_in("sysctl -w kernel.numa_balancing=1; echo 0 > /sys/kernel/mm/ksm/merge_across_nodes") == [
        "kernel.numa_balancing", "merge_across_nodes"]
    assert keys_in("cat /proc/sys/fs/aio-max-nr") == ["aio-max-nr", "fs.aio-max-nr"]
    # pieces of paths are no sysctl names, plain words are no parameters
    assert keys_in("/sys/kernel/mm/transparent_hugepage/enabled /dev/null user.target") == []


def test_what_the_fix_writes_counts_twice_what_the_probe_only_reads_once(model):
    e = model.by_id["numa-balancing"]
    keys = entry_keys(e)
    assert keys.count("kernel.numa_balancing") == 2
    other = entry_keys(model.by_id["guest-numatune"])
    assert other.count("kernel.numa_balancing") == 1  # read by its probe, set by another entry
    assert entry_keys({"code": "host.sysctl_int('vm.swappiness')", "fix": {}}) == ["vm.swappiness"]

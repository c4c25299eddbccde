"""Strict YAML: duplicate keys are errors, and every value keeps the line it came from."""
import yaml


class YamlError(Exception):
    def __init__(self, line, message):
        Exception.__init__(self, message)
        self.line = line
        self.message = message


class Located(object):
    """The loaded data plus {path tuple: line} for every key and item."""

    def __init__(self, data, lines, block_lines):
        self.data = data
        self.lines = lines
        self.block_lines = block_lines  # path -> first line of a block scalar's content

    def line(self, path):
        path = tuple(path)
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)


_constructor = yaml.constructor.SafeConstructor()
# libyaml's composer keeps the marks (lines) we need and is ~10x faster than the pure-Python one
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text):
    """-> Located. Raises YamlError(line, message) on a syntax error or a duplicate key."""
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlError(line, "YAML syntax: %s" % (e.problem or e.context or e))
    except yaml.YAMLError as e:
        raise YamlError(1, "YAML: %s" % e)
    if node is None:
        raise YamlError(1, "the file is empty")
    lines, blocks = {}, {}
    data = _build(node, (), lines, blocks)
    return Located(data, lines, blocks)


def _build(node, path, lines, blocks):
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out = {}
        for knode, vnode in node.value:
            if not isinstance(knode, yaml.ScalarNode):
                raise YamlError(knode.start_mark.line + 1, "a mapping key must be a plain value")
            if knode.tag == "tag:yaml.org,2002:merge" or knode.value == "<<":  # (it has no constructor)
                raise YamlError(knode.start_mark.line + 1, "YAML merge keys (<<) are not allowed")
            try:
                key = _constructor.construct_object(knode, deep=True)
            except yaml.constructor.ConstructorError as e:
                raise YamlError(knode.start_mark.line + 1, "YAML key: %s" % (e.problem or e))
            if isinstance(key, bool) or key is None:
                key = knode.value
            if key in out:
                raise YamlError(knode.start_mark.line + 1, "duplicate key %r (first at line %d)" % (
                    key, lines[path + (key,)]))
            lines[path + (key,)] = knode.start_mark.line + 1
            out[key] = _build(vnode, path + (key,), lines, blocks)
        return out
    if isinstance(node, yaml.SequenceNode):
        out = []
        for i, item in enumerate(node.value):
            lines[path + (i,)] = item.start_mark.line + 1
            out.append(_build(item, path + (i,), lines, blocks))
        return out
    if node.style in ("|", ">"):
        blocks[path] = node.start_mark.line + 2
    try:
        return _constructor.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as e:
        raise YamlError(node.start_mark.line + 1, "YAML value: %s" % (e.problem or e))

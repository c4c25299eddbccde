"""kbgen: compiles kb/ into the documentation site and the bundled runner, from one loaded model."""

"""Where pages come from: URLs, files, directories, globs and stdin, expanded into targets."""

"""`python -m checker` and the `syndicheck` command: the command line, with Ctrl-C during start-up a quiet exit."""
import sys


def run() -> int:
    """cli.main(); Ctrl-C before it handles interrupts itself (while Python loads it, or parses the arguments)
    printed a KeyboardInterrupt traceback. Every import sits inside the try: a Ctrl-C can land in any of them."""
    try:
        from . import startup_gc

        startup_gc.pause()  # until the command's set-up is done: see startup_gc
        from .cli import main

        return main()
    except KeyboardInterrupt:
        print("syndicheck: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(run())

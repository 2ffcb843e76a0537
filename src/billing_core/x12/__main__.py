"""``python -m billing_core.x12``: see [`main`][billing_core.x12.main]."""

from billing_core.x12._cli import run

if __name__ == "__main__":
    run()

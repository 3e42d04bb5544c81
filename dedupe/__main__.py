from dedupe.cli import run

run()

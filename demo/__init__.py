"""The bundled demo: the seed story as a small web of fictional outlets (``site/``), a local
server for it, and the WARC the README's demo command replays."""

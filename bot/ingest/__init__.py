"""Ingest: corpus files -> cleaned articles -> sentences and chunks -> vectors in the index.

`loading` reads the folder (with `markup` for Markdown/HTML and `plaintext` for scraped text),
`cleaning` removes site furniture, `sentences` and `chunking` cut the text, `tagging` names the
practice setting, `embedding` and `index` store it, and `sync` keeps the index in line with the
folder.
"""

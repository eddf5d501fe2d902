"""The web app (`transcripts serve`): the library, the reader, media by id and a JSON API over the store.

Starlette, because it is small and its `FileResponse` answers HTTP Range requests (a media player seeks
with them); Jinja2 templates with autoescaping; a little plain JavaScript in `static/`, no build step. The
routes are thin: they read through the same store functions and search API as the CLI.
"""

"""One module per kind of page: library (and search), reader, media, the JSON API, and editor sign-in."""

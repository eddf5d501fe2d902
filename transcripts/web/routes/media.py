"""`/media/{id}`: a transcript's recording, by the transcript's id (never a path), with HTTP Range.

Where browsers cannot play the stored format, the audio rendition is served instead (made once, cached in
the data dir). Unpublished recordings answer 404 to anonymous requests, as their transcripts do.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from transcripts.editorial.renditions import RENDITION_TYPE, audio_rendition, browser_type
from transcripts.errors import MediaError
from transcripts.store import repository
from transcripts.store.media_files import open_media
from transcripts.web.auth import require_visible
from transcripts.web.site import site_of


def media(request: Request) -> Response:
    site = site_of(request)
    with site.store.session() as session:
        ref = repository.media_ref(session, request.path_params["id"])
    require_visible(request, site.auth, ref.public)
    source = open_media(site.settings).local_path(ref.path)  # a key under the media root
    kind = browser_type(source, ref.has_video)
    if kind is None:
        try:
            source, kind = audio_rendition(source, site.settings.renditions_dir, ref.sha256), RENDITION_TYPE
        except MediaError as error:
            raise HTTPException(404, "the recording is not available") from error
    if not source.is_file():
        raise HTTPException(404, "the recording is not available")
    cache = "no-cache" if ref.public else "private, no-cache"  # revalidated: unpublishing takes effect at once
    return FileResponse(source, media_type=kind, headers={"Cache-Control": cache, "Vary": "Cookie"},
                        content_disposition_type="inline")


routes = [Route("/media/{id:int}", media, name="media")]
